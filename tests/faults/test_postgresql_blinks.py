"""PostgreSQL restarts under a running Twoway: gunicorn and a Celery worker reach the shared server through proxies
the test owns, which cut every connection and refuse new ones for a while, as a restart does. While it is down, pages
answer the friendly 503 with Retry-After, /healthz says 503 and /livez 200, and the worker's tasks fail; once it is
back, the same processes (not restarted) serve pages and deliver every message queued before the blink, once."""

import re
import signal

import pytest

from mentoring.notifications.models import Message
from tests.conftest import wait_for
from tests.factories import PASSWORD, CohortFactory, PartnershipFactory, ProgramAdminFactory

PAGES = ["/", "/me/profile/", "/programs/", "/partnerships/{pair}/", "/sessions/partnerships/{pair}/"]


def _retried_deliveries(worker) -> int:
    """Deliveries the worker tried and put back for a retry (Celery logs each)."""
    return len(re.findall(r"Task mentoring\.notifications\.tasks\.deliver_message\[[^]]+\] retry", worker.log()))


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_restart_is_a_503_meanwhile_and_the_same_processes_recover_and_lose_no_message(
    production_stack,
):
    stack = production_stack
    web_proxy, worker_proxy = stack.proxy(), stack.proxy()
    # Connections kept between requests and tasks, as in production: the blink cuts them under the processes' feet.
    web = stack.web(stack.env(proxy=web_proxy, DATABASE_CONN_MAX_AGE=60))
    worker = stack.worker(stack.env(proxy=worker_proxy, DATABASE_CONN_MAX_AGE=60))
    stack.start(web, worker)

    pair = PartnershipFactory()
    hana = ProgramAdminFactory()
    cohort = CohortFactory()
    ana, hana_browser = stack.visitor(), stack.visitor()
    assert ana.sign_in(pair.member_a.email, PASSWORD).status_code == 302
    assert hana_browser.sign_in(hana.email, PASSWORD).status_code == 302
    pages = [page.format(pair=pair.pk) for page in PAGES]
    assert [ana.get(page).status_code for page in pages] == [200] * 5

    # The worker is busy elsewhere (paused) while messages are queued, so it picks them up during the blink.
    worker.signal(signal.SIGSTOP)
    invited = hana_browser.post(
        f"/programs/manage/cohorts/{cohort.pk}/invite/",
        {"emails": "ida@northwind.example, jon@northwind.example, kai@northwind.example"},
    )
    reset = stack.visitor().post("/accounts/password/reset/", {"email": pair.member_b.email})
    assert (invited.status_code, reset.status_code) == (302, 302)
    queued = set(Message.objects.values_list("message_id_header", flat=True))
    assert len(queued) == 4 and stack.mail.read() == []

    web_proxy.down()
    worker_proxy.down()
    worker.signal(signal.SIGCONT)

    while_down = [ana.get(page) for page in pages] + [stack.visitor().sign_in(pair.member_b.email, PASSWORD)]
    load_balancer = stack.visitor()  # no cookies: a signed-in browser's session itself needs the database
    healthz, livez = load_balancer.get("/healthz"), load_balancer.get("/livez")
    tried = wait_for(lambda: _retried_deliveries(worker) >= 4, timeout=60)

    assert [(r.status_code, r.headers.get("Retry-After")) for r in while_down] == [(503, "60")] * 6
    assert all("Nothing you entered was lost" in r.text for r in while_down)
    assert (healthz.status_code, healthz.json()["checks"]["database"]["ok"], livez.status_code) == (503, False, 200)
    assert tried, worker.log()[-3000:]  # every delivery met the outage and was put back
    assert web_proxy.refused > 0 and worker_proxy.refused > 0

    web_proxy.up()
    worker_proxy.up()

    assert [ana.get(page).status_code for page in pages] == [200] * 5
    assert wait_for(lambda: len(stack.mail.read()) >= 4, timeout=90), worker.log()[-3000:]
    assert wait_for(lambda: set(Message.objects.values_list("state", flat=True)) == {"sent"}, timeout=30)
    assert sorted(stack.mail.message_ids()) == sorted(queued)  # none lost, none twice
    # Recovered by themselves: the same gunicorn process (booted once) and the same worker, never restarted.
    assert web.is_running() and worker.is_running()
    assert web.log().count("Booting worker with pid") == 1
