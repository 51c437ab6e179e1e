"""Page script: import data (upload, per-row report, commit on confirmation)."""

from culturemap.ui.data_page import data_page

data_page()
