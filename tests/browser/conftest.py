"""Headless Chromium driven by Playwright: the one tests/browser/prepare_browser.py finds.

`make test` runs that script first, which installs a browser when none is found; nothing here downloads one.
"""

import json
import os
from pathlib import Path

import pytest

from tests.browser import prepare_browser

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"

# live_server runs the app in a thread of this (async-aware) test process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


_DESELECTED_JOURNEYS = pytest.StashKey[int]()


def pytest_deselected(items):
    journeys = [item for item in items if item.get_closest_marker("browser")]
    if journeys:
        stash = journeys[0].config.stash
        stash[_DESELECTED_JOURNEYS] = stash.get(_DESELECTED_JOURNEYS, 0) + len(journeys)


def pytest_terminal_summary(terminalreporter, config):
    """`make test-fast` (-m "not browser") says what it left out instead of leaving it out silently.

    Only when a marker expression names them: a `-k` run picks its own tests and needs no reminder."""
    count = config.stash.get(_DESELECTED_JOURNEYS, 0)
    if count and "browser" in (config.getoption("markexpr") or ""):
        noun = "journey" if count == 1 else "journeys"
        terminalreporter.write_line(f"{count} browser {noun} deselected: run `make test` for them")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    def managed() -> str | None:
        path = playwright.chromium.executable_path
        return path if Path(path).exists() else None

    try:
        browser = prepare_browser.find_browser(os.environ, managed=managed)
        problem = None if browser else prepare_browser.MISSING
    except prepare_browser.NoBrowser as error:
        problem = str(error)
    if problem:
        pytest.fail(problem, pytrace=False)
    return {**browser_type_launch_args, **prepare_browser.launch_options(browser)}


@pytest.fixture
def shots(tmp_path, page):
    """shots("name") saves a full-page screenshot of the current page under the test's tmp folder.

    shots("name", on=other_page) shoots another page, e.g. one in a second browser context.
    """
    folder = tmp_path / "screenshots"
    folder.mkdir()
    counter = iter(range(1, 1000))

    def _shot(name: str, on=None) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        (on or page).screenshot(path=str(path), full_page=True)
        return path

    _shot.folder = folder
    return _shot


@pytest.fixture
def axe_check(page):
    """Run axe-core on the current page (or axe_check(on=other_page)); fail on serious or critical violations."""

    def _check(on=None) -> None:
        target = on or page
        target.add_script_tag(path=str(AXE))
        result = target.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, json.dumps(
            [{"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"][:3]]} for v in bad], indent=1
        )

    return _check
