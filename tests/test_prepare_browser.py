"""tests/browser/prepare_browser.py, run as `make test` runs it, on a pretend machine: PATH holds only the fakes
written here (apt-get, sudo, browsers), `python -m playwright` is a fake package first on PYTHONPATH, and the
"usual paths" and "am I root" answers come from the script's two test-only variables. Nothing real is installed."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.browser import prepare_browser

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "browser" / "prepare_browser.py"


class Machine:
    def __init__(self, root: Path):
        self.root = root
        self.bin = root / "bin"
        self.pylib = root / "pylib"
        self.home = root / "home"
        self.log = root / "calls.log"
        for folder in (self.bin, self.pylib / "playwright", self.home, root / "usr" / "bin"):
            folder.mkdir(parents=True)
        self.usual_paths = [str(root / "usr" / "bin" / "chromium"), str(root / "usr" / "bin" / "chromium-browser")]
        self.as_root = False
        self.log.write_text("")
        (self.pylib / "playwright" / "__init__.py").write_text("")
        # Until a test says otherwise, Playwright's download fails: a slip never downloads a real browser.
        self.playwright_exits_with(1)

    def script(self, path: Path, body: str) -> str:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n" + textwrap.dedent(body).replace("LOG", str(self.log)))
        path.chmod(0o755)
        return str(path)

    def browser(self, path: Path) -> str:
        return self.script(path, "exit 0\n")

    def apt_get(self, *, exit_status: int = 0) -> None:
        """apt-get that logs its arguments and DEBIAN_FRONTEND; `install` puts a chromium at the first usual path."""
        self.script(
            self.bin / "apt-get",
            f"""\
            echo "apt-get DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> LOG
            if [ "$1" = install ] && [ {exit_status} = 0 ]; then
              printf '#!/bin/sh\\nexit 0\\n' > {self.usual_paths[0]}
              /bin/chmod 755 {self.usual_paths[0]}
            fi
            exit {exit_status}
            """,
        )

    def sudo(self, *, passwordless: bool) -> None:
        self.script(
            self.bin / "sudo",
            f"""\
            echo "sudo $*" >> LOG
            [ "$1" = -n ] || exit 1
            shift
            [ {int(passwordless)} = 1 ] || exit 1
            [ "$1" = true ] && exit 0
            [ "$1" = env ] && shift
            exec /usr/bin/env "$@"
            """,
        )

    def playwright_exits_with(self, status: int) -> None:
        (self.pylib / "playwright" / "__main__.py").write_text(
            "import sys\n"
            f"with open({str(self.log)!r}, 'a') as log:\n"
            "    log.write('python -m playwright ' + ' '.join(sys.argv[1:]) + '\\n')\n"
            f"sys.exit({status})\n"
        )

    def prepare(self, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(SCRIPT)],
            env={
                "PATH": str(self.bin),
                "HOME": str(self.home),
                "PYTHONPATH": str(self.pylib),
                "TWOWAY_TEST_USUAL_PATHS": ":".join(self.usual_paths),
                "TWOWAY_TEST_AS_ROOT": "1" if self.as_root else "0",
                **env,
            },
            capture_output=True,
            text=True,
            timeout=60,
        )

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines()


@pytest.fixture
def machine(tmp_path):
    """No chromium anywhere, not root, no apt-get, no sudo."""
    return Machine(tmp_path)


def test_twoway_chromium_names_the_browser_used_even_when_the_system_has_one(machine):
    chrome = machine.browser(machine.root / "opt" / "chrome" / "chrome")
    machine.browser(Path(machine.usual_paths[0]))

    result = machine.prepare(TWOWAY_CHROMIUM=chrome)

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Browser for the journeys: {chrome} (from TWOWAY_CHROMIUM)\n"
    assert machine.calls() == []


def test_twoway_chromium_that_does_not_exist_is_an_error_not_a_fallback(machine):
    machine.browser(Path(machine.usual_paths[0]))
    machine.apt_get()
    machine.as_root = True
    missing = str(machine.root / "nowhere" / "chrome")

    result = machine.prepare(TWOWAY_CHROMIUM=missing)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"TWOWAY_CHROMIUM={missing} is not an executable file: point it at Chromium's or Google Chrome's "
        "executable, or unset it to use the machine's chromium.\n"
    )
    assert machine.calls() == []


def test_debian_chromium_at_its_usual_path_is_used(machine):
    chromium = machine.browser(Path(machine.usual_paths[1]))

    result = machine.prepare()

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Browser for the journeys: {chromium} (the system's chromium)\n"
    assert machine.calls() == []


def test_chromium_on_path_is_used(machine):
    chromium = machine.browser(machine.bin / "chromium")

    result = machine.prepare()

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Browser for the journeys: {chromium} (chromium on PATH)\n"


def test_root_with_apt_get_installs_debian_chromium_and_uses_it(machine):
    machine.as_root = True
    machine.apt_get()

    result = machine.prepare()

    assert result.returncode == 0, result.stderr
    assert machine.calls() == [
        "apt-get DEBIAN_FRONTEND=noninteractive update -qq",
        "apt-get DEBIAN_FRONTEND=noninteractive install -y -qq chromium",
    ]
    assert result.stdout.splitlines() == [
        "No chromium found: installing Debian's chromium "
        "(DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get install -y -qq chromium)",
        f"Browser for the journeys: {machine.usual_paths[0]} (Debian's chromium, just installed with apt-get)",
    ]


def test_passwordless_sudo_installs_debian_chromium_through_sudo(machine):
    machine.apt_get()
    machine.sudo(passwordless=True)

    result = machine.prepare()

    assert result.returncode == 0, result.stderr
    assert machine.calls() == [
        "sudo -n true",
        "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq",
        "apt-get DEBIAN_FRONTEND=noninteractive update -qq",
        "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium",
        "apt-get DEBIAN_FRONTEND=noninteractive install -y -qq chromium",
    ]
    assert result.stdout.splitlines() == [
        "No chromium found: installing Debian's chromium with sudo -n "
        "(DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get install -y -qq chromium)",
        f"Browser for the journeys: {machine.usual_paths[0]} (Debian's chromium, just installed with apt-get)",
    ]


@pytest.mark.parametrize("sudo", ["absent", "asks for a password"])
def test_not_root_without_passwordless_sudo_downloads_playwrights_chromium(machine, sudo):
    machine.apt_get()
    if sudo != "absent":
        machine.sudo(passwordless=False)
    machine.playwright_exits_with(0)

    result = machine.prepare()

    assert result.returncode == 0, result.stderr
    sudo_check = [] if sudo == "absent" else ["sudo -n true"]
    assert machine.calls() == [*sudo_check, "python -m playwright install chromium"]
    assert result.stdout.splitlines() == [
        "No chromium found (apt-get needs root or passwordless sudo): "
        "downloading Playwright's Chromium (python -m playwright install chromium)",
        "Browser for the journeys: Playwright's managed Chromium (installed by python -m playwright install chromium)",
    ]


def test_failing_apt_get_falls_back_to_playwrights_chromium(machine):
    machine.as_root = True
    machine.apt_get(exit_status=100)
    machine.playwright_exits_with(0)

    result = machine.prepare()

    assert result.returncode == 0, result.stderr
    assert machine.calls() == [
        "apt-get DEBIAN_FRONTEND=noninteractive update -qq",
        "python -m playwright install chromium",
    ]
    assert "apt-get could not install chromium (exit status 100): trying Playwright's Chromium instead" in (
        result.stdout.splitlines()
    )


def test_failed_download_stops_with_the_command_for_each_system_and_make_test_fast(machine):
    result = machine.prepare()

    assert result.returncode == 1
    assert machine.calls() == ["python -m playwright install chromium"]
    assert result.stdout == (
        "No chromium found (no apt-get): downloading Playwright's Chromium (python -m playwright install chromium)\n"
    )
    message = result.stderr
    assert message.startswith("No browser for the browser journeys. Get one, then run `make test` again:\n")
    assert "Debian/Ubuntu:  sudo apt-get install chromium" in message
    assert "macOS:          brew install --cask chromium" in message
    assert 'TWOWAY_CHROMIUM="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"' in message
    assert "elsewhere:      python -m playwright install chromium   (or TWOWAY_CHROMIUM=/path/to/chrome)" in message
    assert 'make test-fast   (pytest -m "not browser")' in message


def test_fixture_launches_the_found_path_or_playwrights_own_with_the_same_flags():
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ]

    own = prepare_browser.launch_options(prepare_browser.Browser("/opt/chrome/chrome", "from TWOWAY_CHROMIUM"))
    managed = prepare_browser.launch_options(prepare_browser.Browser(None, "installed by playwright"))

    assert own == {"headless": True, "args": flags, "executable_path": "/opt/chrome/chrome"}
    assert managed == {"headless": True, "args": flags}


def test_find_only_falls_back_to_an_installed_playwright_chromium_and_otherwise_finds_nothing():
    nothing = {"PATH": ""}

    found = prepare_browser.find_browser(nothing, usual_paths=[], managed=lambda: "/cache/chrome-linux/chrome")
    missing = prepare_browser.find_browser(nothing, usual_paths=[], managed=lambda: None)

    assert found == prepare_browser.Browser(None, "installed by python -m playwright install chromium")
    assert missing is None
