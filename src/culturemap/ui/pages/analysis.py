"""Page script: density, corridor and districts."""

from culturemap.ui.analysis_page import analysis_page

analysis_page()
