"""Page script: themed route designer."""

from culturemap.ui.routes_page import routes_page

routes_page()
