"""The application shell: city packs, language and navigation; it runs the chosen page and, at server
start, warms every page's caches.

``main`` lists the packs under the data root (a broken pack is listed with its error and the
others keep working), picks the city and language (from the URL on the first visit), and runs the
chosen page. Pages get the loaded city through :func:`culturemap.ui.context.page_context`.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import streamlit as st

from culturemap.catalog import PackEntry, PackError, scan_packs
from culturemap.i18n import tr
from culturemap.store import StoreError
from culturemap.store.errors import StoreUnavailable, StoreWriteFailed
from culturemap.ui.account import account_box
from culturemap.ui.context import LANGS, PageContext, city_label, data_root, data_version, load_pack
from culturemap.ui.map_component import served
from culturemap.ui.text import plain
from culturemap.ui.widgets import choice

log = logging.getLogger(__name__)
PAGES = Path(__file__).resolve().parent / "pages"


def _url_city(entries: dict[str, PackEntry]) -> str | None:
    """The pack a link names with ``city=``: its id (the key) or, for older links, its folder name."""
    wanted = st.query_params.get("city")
    if wanted in entries:
        return wanted
    return next((key for key, e in entries.items() if e.path.name == wanted), None)


def store_notice(city_name: str, exc: StoreError, lang: str) -> None:
    """The notice of a city whose store cannot be used now (``exc``: the database is down, the disk
    full, the folder read-only): what is unavailable and why, and that the page tries again (every
    run reads the store anew, so the next click after the database is back shows the page)."""
    log.warning("the store of %s is unavailable: %s", city_name, exc)
    st.warning(plain(tr("app_store_unavailable", lang, city=city_name, reason=exc.message(lang))), icon="⚠️")


def _choose_city(entries: dict[str, PackEntry]) -> str:
    """The city selector. On a session's first run the URL decides; switching city clears the
    previous city's view from the URL."""
    ss = st.session_state
    if "city" not in ss:
        working = [key for key, e in entries.items() if e.error is None] or list(entries)
        ss["city"] = _url_city(entries) or working[0]
    key = choice(
        "selectbox",
        "城市 / City",
        list(entries),
        key="city",
        format_func=lambda k: city_label(entries[k]),
        container=st.sidebar,
    )
    if ss.get("_city_shown") not in (None, key):
        st.query_params.from_dict({"city": key})
    ss["_city_shown"] = key
    return key


def _choose_lang(city_key: str, default: str) -> str:
    """The language radio: from the URL on first sight of a city or when the radio's state was dropped
    (``st.switch_page`` clears every widget's state: the lens hand-over then opened the Routes page in
    the city's default language; its link keeps ``lang``), else the city's default."""
    ss = st.session_state
    if ss.get("_lang_for") != city_key or "lang" not in ss:
        url_lang = st.query_params.get("lang")
        ss["lang"] = url_lang if url_lang in LANGS else default
        ss["_lang_for"] = city_key
    lang = st.sidebar.radio(
        "语言 / Language", LANGS, format_func=lambda v: "中文" if v == "zh" else "English", key="lang"
    )
    if lang != default:  # every page's link keeps the language
        st.query_params["lang"] = lang
    elif "lang" in st.query_params:
        del st.query_params["lang"]
    return lang


def warm_up(root: Path | None = None, wait_for_server: bool = False) -> list[str]:
    """Load every working pack, draw its opening maps and compute the analysis page's first view and the
    city card (lens, Compare) into the caches, so that the first visitor after a start waits for none of
    them (``culturemap serve`` calls this while the server starts). Returns the keys of the packs warmed; a pack that fails is logged and skipped.

    Started beside a server, it first waits for Streamlit's runtime: components (the map's, the
    vendored files') declared before it exists are not served.
    """
    from streamlit import runtime

    if wait_for_server:
        while not runtime.exists():
            time.sleep(0.1)
    import streamlit_folium

    # declared at import, outside a script run when imported here: registered at once, before the page
    # modules' imports (seconds on a busy machine), during which a first visitor's map got a 404 and never drew
    served(streamlit_folium._component_func)

    from culturemap.ui import analysis_page, city_cards, explorer, routes_page  # the page modules import this one

    warmed = []
    for entry in scan_packs(root or data_root()):
        if entry.error is not None:
            continue
        try:
            path, version = str(entry.path), data_version(entry.path)
            city, assets = load_pack(path, version)
            explorer.warm(path, version, city, assets)
            analysis_page.warm(path, version, city.config.default_lang)
            routes_page.warm(path, version, city, assets)
            city_cards.card(path, version)  # the lens's clusters and the Compare page's indicators
        except StoreError as exc:  # the database is down, the disk full: the message says why (never SQL)
            log.warning("cannot warm the pack in %s: %s", entry.path, exc)
            continue
        except (PackError, OSError, ValueError):
            log.exception("cannot warm the pack in %s", entry.path)
            continue
        warmed.append(entry.key)
    return warmed


def main() -> None:
    """One run of the app: the city and language chosen, the store's state said, the chosen page run."""
    st.set_page_config(page_title="culturemap", layout="wide")
    root = data_root()
    entries = {e.key: e for e in scan_packs(root)}
    if not entries:
        st.error(tr("app_no_packs", "zh", path=root) + " / " + tr("app_no_packs", "en", path=root))
        return
    key = _choose_city(entries)
    entry = entries[key]
    lang = _choose_lang(key, entry.config.default_lang if entry.config else "zh")
    city, problem = None, entry.error.message(lang) if entry.error else None
    if entry.error is None:
        path = entry.path
        try:
            version = data_version(path)
            with st.spinner(tr("app_loading", lang)):
                city, _assets = load_pack(str(path), version)
        except (StoreUnavailable, StoreWriteFailed) as exc:  # not the pack's fault: says so, retries next run
            st.title("culturemap")
            store_notice(entry.config.name(lang), exc, lang)
            return
        except (PackError, StoreError) as exc:  # city.toml changed since the packs were listed; no database
            problem = exc.message(lang)
        except (OSError, ValueError) as exc:  # an unreadable folder or file: the other packs still work
            log.exception("cannot load the pack in %s", path)
            problem = tr("app_pack_unreadable", lang, reason=str(exc))
    if city is None:
        st.title("culturemap")
        st.error(tr("app_pack_broken", lang, folder=entry.path.name, reason=problem))
        st.info(tr("app_pack_choose_other", lang))
        return
    st.session_state["_context"] = PageContext(str(path), version, lang)
    pages = [
        st.Page(PAGES / "map.py", title=tr("page_map", lang), url_path="map", default=True),
        st.Page(PAGES / "analysis.py", title=tr("page_analysis", lang), url_path="analysis"),
        st.Page(PAGES / "routes.py", title=tr("page_routes", lang), url_path="routes"),
        st.Page(PAGES / "lens.py", title=tr("page_lens", lang), url_path="lens"),
        st.Page(PAGES / "compare.py", title=tr("page_compare", lang), url_path="compare"),
        st.Page(PAGES / "data.py", title=tr("page_data", lang), url_path="data"),
    ]
    try:
        st.navigation(pages).run()
    except (StoreUnavailable, StoreWriteFailed) as exc:  # the database went away while the page ran
        store_notice(entry.config.name(lang), exc, lang)
    account_box(lang)  # at the foot of the sidebar: the page reads the signed-in user itself (current_actor)
