"""At phone width (390 px) the key pages fit the screen: nothing makes the page scroll sideways.

Runs on the demo organisation, whose names, skills and sessions are what people see in the real app.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from matching.models import MatchRun
from mentoring.demo import DEMO_PASSWORD, load_demo
from mentoring.emails import emails_muted
from mentoring.models import Cohort, Partnership
from sessions_log.models import Session

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}

# The page is wider than the window, or a box on it scrolls sideways. Wide data tables in a .table-responsive box
# may scroll inside their box; `strict` pages allow no sideways scrolling at all.
OVERFLOW = """strict => {
  const wide = [];
  if (document.documentElement.scrollWidth > window.innerWidth)
    wide.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  for (const box of document.querySelectorAll('body *')) {
    const style = getComputedStyle(box);
    const scrolls = ['auto', 'scroll'].includes(style.overflowX) && box.scrollWidth > box.clientWidth + 1;
    if (scrolls && (strict || !box.classList.contains('table-responsive')))
      wide.push(`${box.tagName.toLowerCase()}.${box.className} scrolls: ${box.scrollWidth}px in ${box.clientWidth}px`);
  }
  return wide;
}"""


def _sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello", exact=False)).to_be_visible()


def test_key_pages_fit_a_phone_screen(live_server, browser, shots, axe_check):
    with emails_muted():
        load_demo()
    ana = User.objects.get(email="ana@northwind.example")
    pair = Partnership.objects.for_user(ana).get()
    session = Session.objects.filter(partnership=pair, status="held").order_by("-start").first()
    pilot = Cohort.objects.get(name="Pilot")
    run = MatchRun.objects.filter(cohort=pilot).latest("pk")
    visits = {
        None: [("/accounts/login/", True), ("/accounts/signup/", True), ("/accounts/password/reset/", True)],
        "ana@northwind.example": [
            ("/", True),
            ("/me/profile/", True),
            (f"/partnerships/{pair.pk}/", True),
            (f"/sessions/{session.pk}/", True),
            (f"/sessions/{session.pk}/check-in/", True),
        ],
        "hr@northwind.example": [
            (f"/programs/manage/cohorts/{pilot.pk}/", False),
            ("/me/manage/people/", True),
            ("/me/manage/skills/", True),
            (f"/sessions/cohorts/{pilot.pk}/", True),
            (f"/matching/runs/{run.pk}/", False),
        ],
        "leader@northwind.example": [(f"/reports/programs/{pilot.program_id}/", False)],
    }
    problems = {}
    for email, pages in visits.items():
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        if email:
            _sign_in(page, live_server, email)
        for path, strict in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            if wide := page.evaluate(OVERFLOW, strict):
                problems[path] = wide
                shots(path.strip("/").replace("/", "-") or "home", on=page)
            if path == f"/sessions/{session.pk}/":
                axe_check(on=page)  # the halves, stacked as cards, still pass
        context.close()
    assert not problems, "\n".join(f"{path}: {'; '.join(wide)}" for path, wide in problems.items())
