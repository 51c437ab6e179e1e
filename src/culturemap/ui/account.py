"""Signing in from the sidebar: who the app acts for (:func:`current_actor`), checked on every run.

Nobody signed in is the anonymous viewer (reads everything, writes nothing). A sign-in checks the name
and password against the accounts (:func:`culturemap.store.accounts.authenticate`: argon2 hashes, failed
attempts limited per account and client, every failure logged) and starts a
:class:`~culturemap.store.accounts.Session` in this browser session; a session idle for 30 minutes ends
and says so. The role decides what the pages offer, and the store's write functions check it again,
so a crafted request cannot write either.
"""

from __future__ import annotations

import logging

import streamlit as st

from culturemap.i18n import tr
from culturemap.store import StoreError
from culturemap.store.accounts import Session, SessionExpired, authenticate
from culturemap.store.roles import ANONYMOUS, Actor
from culturemap.ui.text import plain

log = logging.getLogger(__name__)
SESSION_KEY = "account_session"


def _client() -> str:
    """Who is signing in, for the rate limit: the browser's address as the server sees it."""
    try:
        return str(st.context.ip_address or "app")
    except Exception:  # outside a browser session (AppTest)
        return "app"


def current_actor() -> Actor:
    """The signed-in user of this browser session (the anonymous viewer when nobody is); a session idle
    too long ends here, with a notice in the sidebar."""
    session: Session | None = st.session_state.get(SESSION_KEY)
    if session is None:
        return ANONYMOUS
    try:
        return session.touch()
    except SessionExpired as exc:
        del st.session_state[SESSION_KEY]
        st.session_state["account_notice"] = exc
        return ANONYMOUS


def _forget_edits() -> None:
    """Drop what the Edit panel holds for the user leaving (the asset chosen, a picked or dragged position,
    a typed comment): the next user starts afresh."""
    for key in [k for k in st.session_state if str(k).startswith("edit_")]:
        del st.session_state[key]


def _sign_in(lang: str) -> None:
    name = st.session_state.get("account_name", "").strip()
    password = st.session_state.get("account_password", "")
    st.session_state["account_password"] = ""  # never kept in the session
    try:
        actor = authenticate(name, password, client=_client())
    except StoreError as exc:
        st.session_state["account_notice"] = exc
        return
    _forget_edits()
    st.session_state[SESSION_KEY] = Session.start(actor)
    st.session_state.pop("account_notice", None)


def _sign_out() -> None:
    session = st.session_state.pop(SESSION_KEY, None)
    _forget_edits()
    if session is not None:
        log.info("%s signed out", session.actor.name)


def account_box(lang: str) -> Actor:
    """The sidebar's sign-in (folded) or the signed-in user with a sign-out button; returns the actor."""
    actor = current_actor()
    notice = st.session_state.pop("account_notice", None)
    with st.sidebar:
        if actor.name:
            st.caption(tr("account_signed_in", lang, name=plain(actor.name), role=tr(f"role_{actor.role}", lang)))
            st.button(tr("account_sign_out", lang), key="account_sign_out", on_click=_sign_out)
            return actor
        with st.expander(tr("account_sign_in", lang), icon=":material/login:", expanded=notice is not None):
            if notice is not None:
                st.error(plain(notice.message(lang)))
            with st.form("account_form", border=False):
                st.text_input(tr("account_name", lang), key="account_name", autocomplete="username")
                st.text_input(tr("account_password", lang), key="account_password", type="password",
                              autocomplete="current-password")  # fmt: skip
                st.form_submit_button(tr("account_sign_in", lang), on_click=_sign_in, args=(lang,))
            st.caption(tr("account_viewer_note", lang))
    return actor
