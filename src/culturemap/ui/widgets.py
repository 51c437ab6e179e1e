"""Choice widgets whose value is a stable id, whatever their labels say.

Streamlit's browser side keeps the *label* of a chosen option (``format_func(option)``) and maps
it back to the option on the next rerun. When a label changes between reruns (a live count, a
language switch), the stored label matches no option any more: the choice is silently dropped or
comes back as the label text. Here every widget instance is keyed by its labels, so new labels
make a new widget, seeded from the value kept under the stable ``key`` in session state.

Read a value with ``st.session_state[key]``; set it (before the widget is drawn) the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

_KINDS = ("selectbox", "multiselect", "radio", "select_slider", "pills", "segmented_control")


def widget_key(key: str, labels: Sequence[str]) -> str:
    """The key of the widget instance that shows ``labels``: ``<key>~<digest of the labels>``."""
    digest = hashlib.sha1("\x1f".join(labels).encode("utf-8")).hexdigest()[:8]
    return f"{key}~{digest}"


def _valid(kind: str, value: Any, options: Sequence[Any], default: Any) -> Any:
    if kind == "multiselect":
        return [v for v in (value or []) if v in options]
    return value if value in options else default


def choice(
    kind: str,
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    format_func: Callable[[Any], str] = str,
    default: Any = None,
    container: Any = None,
    **kwargs: Any,
) -> Any:
    """Draw a ``st.<kind>`` choosing among ``options`` and return the chosen option(s).

    The chosen value lives in ``st.session_state[key]`` (option ids, never labels); ``default`` is
    used when that holds nothing valid (for a multiselect, a list). ``container`` is where to draw
    (``st.sidebar``, a column ...; default ``st``). Other keyword arguments go to the widget.
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown choice widget {kind!r}; expected one of {', '.join(_KINDS)}")
    options = list(options)
    if default is None and kind == "multiselect":
        default = []
    elif default is None and options and kind in ("selectbox", "radio", "select_slider"):
        default = options[0]
    ss = st.session_state
    value = _valid(kind, ss.get(key, default), options, default)
    labels = [format_func(o) for o in options]
    instance = widget_key(key, labels)
    if ss.get(instance) != value:
        ss[instance] = value  # new labels (a new widget) or a value set in code: show the kept value

    def keep() -> None:
        ss[key] = ss[instance]

    user_change = kwargs.pop("on_change", None)

    def changed() -> None:
        keep()
        if user_change is not None:
            user_change()

    widget = getattr(container or st, kind)
    chosen = widget(label, options, format_func=format_func, key=instance, on_change=changed, **kwargs)
    ss[key] = list(chosen) if kind == "multiselect" else chosen
    return ss[key]
