"""Who acts on the store, and what each role may do (issue 28).

Four roles, each able to do what the ones before it can:

- ``viewer``: reads everything (no login needed);
- ``contributor``: proposes changes, which wait for review;
- ``editor``: edits directly and reviews proposals;
- ``admin``: manages accounts.

The store's write functions take the acting :class:`Actor` and call :func:`require_role` themselves,
so a page or a crafted request cannot write past them.
"""

from __future__ import annotations

from dataclasses import dataclass

from culturemap.i18n import tr
from culturemap.store.errors import StoreError

ROLES: tuple[str, ...] = ("viewer", "contributor", "editor", "admin")


class PermissionDenied(StoreError):
    """The acting user's role does not allow this write; nothing was changed.

    ``values``: ``user``, ``role`` (the user's), ``needed`` (the least role that may), ``action_code``
    (a message key naming what was tried).
    """

    def message(self, lang: str = "en") -> str:
        """The message in ``lang``, with the roles and the action in that language."""
        values = dict(self.values)
        return tr(
            self.code,
            lang,
            user=values.get("user", "-"),
            role=tr(f"role_{values.get('role', 'viewer')}", lang),
            needed=tr(f"role_{values.get('needed', 'editor')}", lang),
            action=tr(values.get("action_code", "action_edit"), lang),
        )


@dataclass(frozen=True)
class Actor:
    """A signed-in user (or the anonymous viewer): ``name`` and ``role``, one of :data:`ROLES`."""

    name: str
    role: str = "viewer"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}: expected one of {', '.join(ROLES)}")

    def can(self, needed: str) -> bool:
        """True when this actor's role is ``needed`` or above it."""
        return ROLES.index(self.role) >= ROLES.index(needed)


ANONYMOUS = Actor("", "viewer")


def require_role(actor: Actor | None, needed: str, action: str) -> Actor:
    """``actor`` if its role is ``needed`` or above, else raise :class:`PermissionDenied` naming the
    user, their role, the role needed and ``action`` (a message key of :mod:`culturemap.i18n`, e.g.
    ``action_edit``). ``None`` is the anonymous viewer."""
    actor = actor or ANONYMOUS
    if needed not in ROLES:
        raise ValueError(f"unknown role {needed!r}: expected one of {', '.join(ROLES)}")
    if not actor.can(needed):
        raise PermissionDenied(
            "permission_denied", user=actor.name or "-", role=actor.role, needed=needed, action_code=action
        )
    return actor
