"""User- and data-supplied text for Streamlit's Markdown: names, opening hours, file names, URL values.

``st.markdown``, ``st.caption``, ``st.toast``, ``st.info``/``st.warning``/``st.error``, titles and
widget labels all render Markdown (links, images, ``:material/...:`` icons, ``$`` maths). A stored
name ``![x](http://host/x.png)`` would load a remote image and ``[click](http://host)`` show a link:
such text goes through :func:`plain` first, and then shows as typed.
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_\[\]{}()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """``text`` for Streamlit's Markdown, every Markdown and HTML character escaped so that it shows as typed."""
    return _MARKDOWN.sub(r"\\\1", str(text))
