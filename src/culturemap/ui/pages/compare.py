"""Page script: two cities compared."""

from culturemap.ui.compare_page import compare_page

compare_page()
