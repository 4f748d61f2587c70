"""Find or install the Chromium the browser journeys drive, and say in one line which one.

`make test` runs this before pytest; tests/browser/conftest.py calls find_browser() (find only, never install),
so a plain `pytest` launches the same browser. In order:
  1. the browser named by TWOWAY_CHROMIUM (a path, e.g. Google Chrome's; an unusable one is an error, not skipped);
  2. Debian's or Ubuntu's chromium at its usual paths, or `chromium` on PATH;
  3. as root or with passwordless sudo where apt-get exists: install Debian's chromium with apt-get;
  4. Playwright's own Chromium (`python -m playwright install chromium`); if that fails, stop with MISSING.

Standard library only: Playwright is run as `python -m playwright`, in a process of its own.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

ENV_VAR = "TWOWAY_CHROMIUM"
# Where Debian's and Ubuntu's packages put it; the last is where `brew install --cask chromium` puts it on macOS.
USUAL_PATHS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
# Only tests/test_prepare_browser.py sets these, so it can play "no chromium" and "not root" on any machine.
TEST_USUAL_PATHS = "TWOWAY_TEST_USUAL_PATHS"
TEST_AS_ROOT = "TWOWAY_TEST_AS_ROOT"

APT_UPDATE = ("apt-get", "update", "-qq")
APT_INSTALL = ("apt-get", "install", "-y", "-qq", "chromium")
PLAYWRIGHT_INSTALL = ("-m", "playwright", "install", "chromium")

# The same flags whichever browser was found.
HEADLESS_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)

MISSING = """\
No browser for the browser journeys. Get one, then run `make test` again:
  Debian/Ubuntu:  sudo apt-get install chromium
  macOS:          brew install --cask chromium
                  (or use Google Chrome: TWOWAY_CHROMIUM="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
  elsewhere:      python -m playwright install chromium   (or TWOWAY_CHROMIUM=/path/to/chrome)
To run the rest of the suite without the journeys: make test-fast   (pytest -m "not browser")"""


class NoBrowser(Exception):
    """No browser can be used; the message says what to do."""


@dataclass(frozen=True)
class Browser:
    path: str | None  # None: Playwright's managed Chromium
    how: str

    def line(self) -> str:
        name = self.path or "Playwright's managed Chromium"
        return f"Browser for the journeys: {name} ({self.how})"


def find_browser(
    env: Mapping[str, str],
    *,
    usual_paths: Sequence[str] = USUAL_PATHS,
    managed: Callable[[], str | None] = lambda: None,
) -> Browser | None:
    """Steps 1 and 2, then Playwright's managed Chromium if `managed()` names an installed one. Never installs."""
    search_path = env.get("PATH", os.defpath)
    named = env.get(ENV_VAR)
    if named:
        found = shutil.which(named, path=search_path)
        if not found:
            raise NoBrowser(
                f"{ENV_VAR}={named} is not an executable file: point it at Chromium's or Google Chrome's "
                f"executable, or unset it to use the machine's chromium."
            )
        return Browser(os.path.abspath(found), f"from {ENV_VAR}")
    for path in usual_paths:
        if shutil.which(path, path=search_path):
            return Browser(path, "the system's chromium")
    on_path = shutil.which("chromium", path=search_path)
    if on_path:
        return Browser(on_path, "chromium on PATH")
    if managed():
        return Browser(None, "installed by python -m playwright install chromium")
    return None


def launch_options(browser: Browser) -> dict:
    """What Playwright's chromium.launch() needs for this browser."""
    options = {"headless": True, "args": list(HEADLESS_ARGS)}
    if browser.path:
        options["executable_path"] = browser.path
    return options


def apt_prefix(env: Mapping[str, str], *, as_root: bool) -> list[str] | None:
    """How to run apt-get here: [] as root, ["sudo", "-n"] with passwordless sudo, None when it cannot be run."""
    search_path = env.get("PATH", os.defpath)
    if not shutil.which("apt-get", path=search_path):
        return None
    if as_root:
        return []
    sudo = shutil.which("sudo", path=search_path)
    if sudo and subprocess.run(["sudo", "-n", "true"], env=dict(env), capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def say(line: str) -> None:
    # Flushed, so it comes before what apt-get or Playwright print.
    print(line, flush=True)


def prepare(
    env: Mapping[str, str],
    *,
    usual_paths: Sequence[str] = USUAL_PATHS,
    as_root: bool,
) -> Browser:
    """Steps 1-4: find the browser, installing one if it is missing. Raises NoBrowser with what to do."""
    browser = find_browser(env, usual_paths=usual_paths)
    if browser:
        return browser

    prefix = apt_prefix(env, as_root=as_root)
    if prefix is not None:
        say(
            f"No chromium found: installing Debian's chromium{' with sudo -n' if prefix else ''} "
            "(DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get install -y -qq chromium)"
        )
        apt_env = {**env, "DEBIAN_FRONTEND": "noninteractive"}
        # sudo resets the environment; env(1) hands DEBIAN_FRONTEND through it.
        through = [*prefix, "env", "DEBIAN_FRONTEND=noninteractive"] if prefix else []
        status = subprocess.run([*through, *APT_UPDATE], env=apt_env).returncode
        if status == 0:
            status = subprocess.run([*through, *APT_INSTALL], env=apt_env, stdout=subprocess.DEVNULL).returncode
        if status != 0:
            say(f"apt-get could not install chromium (exit status {status}): trying Playwright's Chromium instead")
        elif browser := find_browser(env, usual_paths=usual_paths):
            return Browser(browser.path, "Debian's chromium, just installed with apt-get")
        else:
            say("apt-get installed chromium, but not at a usual path: trying Playwright's Chromium instead")
    else:
        has_apt = shutil.which("apt-get", path=env.get("PATH", os.defpath))
        why = "apt-get needs root or passwordless sudo" if has_apt else "no apt-get"
        say(f"No chromium found ({why}): downloading Playwright's Chromium (python -m playwright install chromium)")

    if subprocess.run([sys.executable, *PLAYWRIGHT_INSTALL], env=dict(env)).returncode == 0:
        return Browser(None, "installed by python -m playwright install chromium")
    raise NoBrowser(MISSING)


def _as_root(env: Mapping[str, str]) -> bool:
    if TEST_AS_ROOT in env:
        return env[TEST_AS_ROOT] == "1"
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _usual_paths(env: Mapping[str, str]) -> Sequence[str]:
    if TEST_USUAL_PATHS in env:
        return [path for path in env[TEST_USUAL_PATHS].split(os.pathsep) if path]
    return USUAL_PATHS


def main() -> int:
    env = dict(os.environ)
    try:
        browser = prepare(env, usual_paths=_usual_paths(env), as_root=_as_root(env))
    except NoBrowser as error:
        print(error, file=sys.stderr)
        return 1
    print(browser.line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
