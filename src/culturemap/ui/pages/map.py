"""Page script: the map explorer."""

from culturemap.ui.app import explorer_page

explorer_page()
