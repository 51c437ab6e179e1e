"""Choice widgets whose value is a stable id, whatever their labels say.

Streamlit's browser side keeps the *label* of a chosen option (``format_func(option)``) and maps
it back to the option on the next rerun. When a label changes between reruns (a live count, a
language switch), the stored label matches no option any more: the choice is silently dropped or
comes back as the label text. Here every widget instance is keyed by its labels, so new labels
make a new widget, seeded from the value kept under the stable ``key`` in session state.

Read a value with ``st.session_state[key]``; set it (before the widget is drawn) the same way.
:func:`type_ahead` keeps the keys typed quickly into an editable table's cell.

For the same reason no two options of one widget may share a label: the browser sends back the
label, and Streamlit maps it to the *first* option showing it (three campuses all labelled
"兰州大学 · 高等院校" made a chosen start jump to another campus). :func:`distinct_labels` gives
each option a label of its own: a label that several options share gets the option's id appended,
``<label> [<id>]``; pages should still say what tells the options apart (a campus, a layer).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

_KINDS = ("selectbox", "multiselect", "radio", "select_slider", "pills", "segmented_control")


def widget_key(key: str, labels: Sequence[str]) -> str:
    """The key of the widget instance that shows ``labels``: ``<key>~<digest of the labels>``."""
    digest = hashlib.sha1("\x1f".join(labels).encode("utf-8")).hexdigest()[:8]
    return f"{key}~{digest}"


def distinct_labels(options: Sequence[Any], format_func: Callable[[Any], str] = str) -> list[str]:
    """The label of each option, made distinct: a label that several options share gets each
    option's id appended (``<label> [<id>]``), and one still shared its position (``#<n>``)."""
    labels = [str(format_func(o)) for o in options]
    shared = {lab for lab in labels if labels.count(lab) > 1}
    labels = [f"{lab} [{o}]" if lab in shared else lab for lab, o in zip(labels, options)]
    shared = {lab for lab in labels if labels.count(lab) > 1}
    return [f"{lab} #{n}" if lab in shared else lab for n, lab in enumerate(labels, 1)]


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
    every_is_none: bool = False,
    **kwargs: Any,
) -> Any:
    """Draw a ``st.<kind>`` choosing among ``options`` and return the chosen option(s).

    The chosen value lives in ``st.session_state[key]`` (option ids, never labels); ``default`` is
    used when that holds nothing valid (for a multiselect, a list). ``container`` is where to draw
    (``st.sidebar``, a column ...; default ``st``). Other keyword arguments go to the widget.

    A multiselect offers no "Select all" (Streamlit's own English text); with ``every_is_none`` (a
    filter whose empty choice reads "all") choosing every option empties it: "all" means every item,
    also those the options do not name (universities have no theme), not "any of the options".
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown choice widget {kind!r}; expected one of {', '.join(_KINDS)}")
    options = list(dict.fromkeys(options))  # an option listed twice is one choice
    if default is None and kind == "multiselect":
        default = []
    elif default is None and options and kind in ("selectbox", "radio", "select_slider"):
        default = options[0]
    ss = st.session_state
    value = _valid(kind, ss.get(key, default), options, default)
    labels = distinct_labels(options, format_func)
    label_of = dict(zip(options, labels))
    instance = widget_key(key, labels)
    if ss.get(instance) != value:
        ss[instance] = value  # new labels (a new widget) or a value set in code: show the kept value

    def keep() -> None:
        ss[key] = [] if every_is_none and set(ss[instance]) >= set(options) else ss[instance]

    user_change = kwargs.pop("on_change", None)

    def changed() -> None:
        keep()
        if user_change is not None:
            user_change()

    widget = getattr(container or st, kind)
    if kind == "multiselect":
        kwargs.setdefault("select_all", False)
    chosen = widget(
        label, options, format_func=lambda o: label_of.get(o, str(o)), key=instance, on_change=changed, **kwargs
    )
    if kind == "multiselect":
        ss[key] = [] if every_is_none and set(chosen) >= set(options) else list(chosen)
    else:
        ss[key] = chosen
    return ss[key]


# The grid of st.data_editor (glide-data-grid, Streamlit 1.67) opens a cell's editor on the first key
# typed into a selected cell; a key that reaches the grid before that editor has the focus (a quick
# "60", a loaded machine) opens the editor again with that key alone: "60" became "0" (in Chromium the
# editor held "0"). This holds the keys typed into a table under ``prefix`` until its editor has the
# focus, then types them there, in order (Enter, Tab, Escape and Backspace included).
_TYPE_AHEAD = """<script>
(() => {
  const prefix = %(prefix)s;
  window.__cmTypeAhead = window.__cmTypeAhead || new Set();
  if (window.__cmTypeAhead.has(prefix)) return;
  window.__cmTypeAhead.add(prefix);
  const doc = document;
  let held = null;  // {keys: [...], since: ms} once a key has opened an editor
  const editor = () => {
    const el = doc.activeElement;
    return el && el.classList && el.classList.contains("gdg-input") ? el : null;
  };
  const typeInto = (el, keys) => {
    for (const key of keys) {
      if (key.length === 1 || key === "Backspace") {
        const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement : HTMLInputElement;
        const value = key === "Backspace" ? el.value.slice(0, -1) : el.value + key;
        Object.getOwnPropertyDescriptor(proto.prototype, "value").set.call(el, value);
        el.dispatchEvent(new Event("input", {bubbles: true}));
      } else {
        el.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true, cancelable: true}));
      }
    }
  };
  const flush = () => {
    if (!held) return;
    const el = editor();
    if (el) { const keys = held.keys; held = null; typeInto(el, keys); return; }
    if (performance.now() - held.since > 5000) { held = null; return; }  // no editor came (a read-only cell)
    requestAnimationFrame(flush);
  };
  doc.addEventListener("keydown", (event) => {
    const target = event.target;
    if (held && target && target.classList && target.classList.contains("gdg-input")) { flush(); return; }
    if (!target || !target.closest || !target.closest(`[class*="st-key-${prefix}"]`)) return;
    const printable = event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey;
    if (!held) {
      if (printable && event.key !== " " && !editor()) { held = {keys: [], since: performance.now()}; requestAnimationFrame(flush); }
      return;  // the first key opens the editor as usual
    }
    if (printable || ["Enter", "Tab", "Escape", "Backspace"].includes(event.key)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      held.keys.push(event.key);
    }
  }, true);
})();
</script>"""


def type_ahead(prefix: str) -> None:
    """Keep the keys typed quickly into the cells of the tables keyed ``<prefix>...`` (see above)."""
    st.html(_TYPE_AHEAD % {"prefix": json.dumps(prefix)}, unsafe_allow_javascript=True)


# Streamlit's file uploader has English text of its own ("Upload", "200MB per file • CSV") and no
# parameter for it. In Chinese it is replaced by styles keyed on Streamlit's test ids (the stable
# hooks its own tests use): the instructions are hidden (the page says the limit and formats in its
# own caption) and the button reads 上传. A future Streamlit that renames the ids shows its English again.
_UPLOADER_ZH_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button::after { content: "上传"; font-size: 0.875rem; }
</style>"""


def uploader(label: str, lang: str, *, container: Any = None, **kwargs: Any) -> Any:
    """``st.file_uploader`` (``kwargs`` go to it) with its own words in ``lang``: in Chinese the button
    reads 上传 and the English size line is hidden, so the page must say the limit (in MB) and formats."""
    if lang == "zh":
        st.html(_UPLOADER_ZH_CSS)
    return (container or st).file_uploader(label, **kwargs)
