"""Page script: the university lens."""

from culturemap.ui.lens_page import lens_page

lens_page()
