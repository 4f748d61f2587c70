"""`make test-fast` runs the suite without the browser journeys (`-m "not browser"`) and says how many it left out.
The hooks in tests/browser/conftest.py run here on a tiny suite of one plain test and two journeys."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_running_without_the_journeys_says_how_many_it_left_out(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    browser: a journey\n")
    (tmp_path / "conftest.py").write_text(
        "from tests.browser.conftest import pytest_deselected, pytest_terminal_summary  # noqa: F401\n"
    )
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n\n"
        "def test_plain():\n    pass\n\n"
        "@pytest.mark.browser\ndef test_journey_one():\n    pass\n\n"
        "@pytest.mark.browser\ndef test_journey_two():\n    pass\n"
    )

    def pytest_run(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider", *args],
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout

    fast = pytest_run("-m", "not browser")
    everything = pytest_run()
    picked_by_name = pytest_run("-k", "plain")

    assert "2 browser journeys deselected: run `make test` for them" in fast.splitlines()
    assert "1 passed, 2 deselected" in fast
    assert "deselected" not in everything
    assert "3 passed" in everything
    assert "browser journeys deselected" not in picked_by_name
    assert "1 passed, 2 deselected" in picked_by_name
