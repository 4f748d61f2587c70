"""The registry of message kinds: each app registers what it sends, and every kind the code queues is known."""

import pathlib
import re

import pytest

from mentoring.notifications import kinds

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_every_template_kind_is_registered_or_an_account_email():
    names = {
        re.sub(r"_(subject|body)\.(txt|html)$", "", path.name)
        for path in (ROOT / "templates" / "emails").glob("*_subject.txt")
    }
    registered = {kind.name for kind in kinds.all_kinds()}
    assert names - registered == set(), "a message kind has templates but nobody registered it"


def test_invitations_and_match_notices_cannot_be_turned_off():
    for name in ("session_invitation", "match_published", "cohort_invitation"):
        assert kinds.get(name).can_turn_off is False
    assert kinds.get("session_reminder").can_turn_off is True


def test_an_unknown_kind_is_a_system_message_that_cannot_be_turned_off():
    kind = kinds.get("account_password_reset_key")
    assert kind.audience == kinds.SYSTEM and kind.can_turn_off is False


def test_registering_a_name_twice_differently_is_refused():
    kinds.register(kinds.Kind("test_kind_once", "Once"))
    kinds.register(kinds.Kind("test_kind_once", "Once"))  # the same words again: fine
    with pytest.raises(ValueError):
        kinds.register(kinds.Kind("test_kind_once", "Twice"))
