"""Page script: import data (upload, per-row report, commit on confirmation) and the pack's sources."""

from culturemap.ui.data_page import data_page
from culturemap.ui.sources_panel import sources_panel

data_page()
sources_panel()
