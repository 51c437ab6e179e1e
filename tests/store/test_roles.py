"""The roles' order and the refusal a write gives a role below the one it needs."""

import pickle

import pytest

from culturemap.store.roles import ANONYMOUS, ROLES, Actor, PermissionDenied, require_role


def test_each_role_can_do_what_the_ones_before_it_can():
    for i, role in enumerate(ROLES):
        actor = Actor("wang", role)
        assert [actor.can(needed) for needed in ROLES] == [j <= i for j in range(len(ROLES))]


def test_a_viewer_is_refused_an_edit_with_a_message_naming_user_role_and_need():
    with pytest.raises(PermissionDenied) as caught:
        require_role(Actor("li", "viewer"), "editor", "action_edit")
    assert str(caught.value) == "user li (viewer) may not edit an asset: it takes the role editor or above"
    assert caught.value.message("zh") == "用户 li（浏览者）无权编辑资产：需要编辑或更高角色"
    again = pickle.loads(pickle.dumps(caught.value))
    assert again.message("en") == str(caught.value)


def test_nobody_signed_in_is_the_anonymous_viewer():
    assert require_role(None, "viewer", "action_edit") == ANONYMOUS
    with pytest.raises(PermissionDenied, match=r"user - \(viewer\)"):
        require_role(None, "contributor", "action_edit")


def test_an_unknown_role_is_an_error_not_a_viewer():
    with pytest.raises(ValueError, match="unknown role 'owner'"):
        Actor("zhao", "owner")
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        require_role(Actor("zhao", "admin"), "boss", "action_edit")
