"""Redis (broker and cache) goes down under a running Twoway: gunicorn, a Celery worker and beat, as in production,
against a Redis the test started and stops. While it is down, people keep viewing pages and signing in, and the
actions that queue messages succeed; once it is back, every message queued meanwhile is delivered exactly once."""

import datetime

import pytest
from django.utils import timezone

from mentoring.notifications.models import Message
from sessions_log.models import Session
from tests.conftest import wait_for
from tests.factories import PASSWORD, CohortFactory, PartnershipFactory, ProgramAdminFactory, UserFactory

ROUNDS = 5  # of the eight pages below: 40 page views
SIGN_INS = 10


def _pages(pair, cohort) -> list[tuple[str, str]]:
    """(who, path): an employee's pages, then a program admin's."""
    return [
        ("ana", "/"),
        ("ana", "/me/profile/"),
        ("ana", "/programs/"),
        ("ana", f"/partnerships/{pair.pk}/"),
        ("ana", f"/sessions/partnerships/{pair.pk}/"),
        ("hana", "/programs/manage/"),
        ("hana", f"/programs/manage/{cohort.program_id}/"),
        ("hana", f"/programs/manage/cohorts/{cohort.pk}/"),
    ]


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_pages_and_sign_ins_never_fail_and_queued_messages_go_out_once_after(production_stack):
    stack = production_stack
    env = stack.env()
    stack.start(stack.web(env), stack.worker(env), stack.beat(env))

    pair = PartnershipFactory()
    ana, ben = pair.member_a, pair.member_b
    hana = ProgramAdminFactory()
    cohort = CohortFactory()  # enrolling: it takes invitations
    people = UserFactory.create_batch(SIGN_INS // 2)
    browsers = {"ana": stack.visitor(), "ben": stack.visitor(), "hana": stack.visitor()}
    for name, person in (("ana", ana), ("ben", ben), ("hana", hana)):
        assert browsers[name].sign_in(person.email, PASSWORD).status_code == 302

    stack.redis.stop()

    views = [browsers[who].get(path) for _ in range(ROUNDS) for who, path in _pages(pair, cohort)]
    sign_ins = [stack.visitor().sign_in(people[i % len(people)].email, PASSWORD) for i in range(SIGN_INS)]
    day = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    actions = [
        browsers["hana"].post(
            f"/programs/manage/cohorts/{cohort.pk}/invite/",
            {"emails": "ida@northwind.example, jon@northwind.example, kai@northwind.example"},
        ),
        browsers["ana"].post(
            f"/sessions/partnerships/{pair.pk}/new/", {"date": day, "time": "10:00", "location": "Room 4"}
        ),
    ]
    proposed = Session.objects.get(partnership=pair)
    actions.append(browsers["ben"].post(f"/sessions/{proposed.pk}/accept/", {}, form_page=f"/sessions/{proposed.pk}/"))
    actions.append(stack.visitor().post("/accounts/password/reset/", {"email": ben.email}))
    health = browsers["ana"].get("/healthz")

    assert len(views) == 40 and [r.status_code for r in views] == [200] * 40
    assert [(r.status_code, r.headers.get("Location")) for r in sign_ins] == [(302, "/")] * SIGN_INS
    assert [r.status_code for r in actions] == [302] * 4
    assert all(status < 500 for b in browsers.values() for status in b.statuses)
    assert (health.status_code, health.json()["checks"]["broker"]["ok"]) == (200, False)
    # 3 invitations, the proposal to Ben, the calendar invitation to each partner, the password reset: all waiting.
    queued = dict(Message.objects.filter(channel="email").values_list("message_id_header", "state"))
    assert list(queued.values()) == ["pending"] * 7
    assert stack.mail.read() == []

    stack.redis.start()  # on the same port, empty: the doorbells rung meanwhile are lost

    assert wait_for(lambda: len(stack.mail.read()) >= 7, timeout=90), stack.services[1].log()[-3000:]
    assert wait_for(
        lambda: set(Message.objects.filter(channel="email").values_list("state", flat=True)) == {"sent"}, timeout=30
    )
    assert sorted(stack.mail.message_ids()) == sorted(queued)  # each exactly once
