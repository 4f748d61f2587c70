"""At phone width (390 px) the cohort page and the reports fit the screen: no page or table scrolls sideways.

Their wide tables (the cohort's people, the report's cohorts, breakdowns and survey statements) become one card per
row below the md breakpoint instead of scrolling inside their box.
"""

import pytest

from mentoring.demo.loader import load_demo
from mentoring.notifications.services import messages_muted
from mentoring.programs.models import Cohort
from tests.browser.test_phone_width import OVERFLOW, PHONE, _sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_cohort_page_and_reports_fit_a_phone_screen(live_server, browser, shots):
    with messages_muted():
        load_demo()
    pilot = Cohort.objects.get(name="Pilot")
    wave = Cohort.objects.get(name="Wave 2")
    visits = {
        "hr@northwind.example": [f"/programs/manage/cohorts/{pilot.pk}/", f"/programs/manage/cohorts/{wave.pk}/"],
        "leader@northwind.example": [
            "/reports/",
            f"/reports/cohorts/{pilot.pk}/",
            f"/reports/programs/{pilot.program_id}/",
        ],
    }
    problems = {}
    for email, paths in visits.items():
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        _sign_in(page, live_server, email)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            if wide := page.evaluate(OVERFLOW, True):
                problems[path] = wide
                shots(path.strip("/").replace("/", "-"), on=page)
            if path == f"/programs/manage/cohorts/{wave.pk}/":
                # The row's buttons are on screen, not beyond a scrolling box's edge.
                box = page.get_by_role("button", name="Approve", exact=False).first.bounding_box()
                if box["x"] + box["width"] > PHONE["width"]:
                    problems.setdefault(path, []).append(f"the Approve button ends at {box['x'] + box['width']:.0f}px")
        context.close()
    assert not problems, "\n".join(f"{path}: {'; '.join(wide)}" for path, wide in problems.items())
