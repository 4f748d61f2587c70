"""The README stays true: quick start and every environment variable the settings read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_quick_start_is_exactly_make_run_and_make_test():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(make \w+)", quick_start, flags=re.M)
    assert commands == ["make run", "make test"]


def test_every_environment_variable_is_documented():
    settings_source = (ROOT / "mentoring" / "settings.py").read_text()
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    names |= set(
        re.findall(r"for name in \(([^)]*)\)", settings_source)[0].replace('"', "").replace(" ", "").split(",")
    )
    names.discard("")
    assert len(names) > 15
    undocumented = sorted(n for n in names if f"`{n}`" not in README)
    assert undocumented == []
