"""Page script: the map explorer."""

from culturemap.ui.explorer import explorer_page

explorer_page()
