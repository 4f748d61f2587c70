"""`manage.py match_json`: the JSON contract, its error cases (exit status 2, nothing written) and --edges."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from matching.engine import Rules, score
from matching.jsonio import loads

ROOT = Path(__file__).resolve().parents[2]


def cohort(**overrides):
    data = {
        "rules": {
            "reciprocity_required": True,
            "same_department": "allowed",
            "reverse_mentoring_weight": 0.5,
            "max_timezone_gap_hours": None,
            "avoid_manager_pairs": True,
        },
        "people": [
            {
                "id": "ana",
                "department": "Sales",
                "seniority": 2,
                "timezone": "Europe/Berlin",
                "manager": None,
                "offers": {"Tableau": 5, "Spanish": 4},
                "wants": {"SQL": 2},
            },
            {
                "id": "ben",
                "department": "IT",
                "seniority": 6,
                "timezone": "America/New_York",
                "manager": None,
                "offers": {"SQL": 4},
                "wants": {"Tableau": 1},
            },
            {
                "id": "cy",
                "department": "IT",
                "seniority": 3,
                "timezone": "Europe/London",
                "manager": "ben",
                "offers": {"SQL": 3},
                "wants": {"Spanish": 1},
            },
            {
                "id": "dee",
                "department": "HR",
                "seniority": 4,
                "timezone": "Asia/Kolkata",
                "manager": None,
                "offers": {"Excel": 3},
                "wants": {"Go": 1},
            },
        ],
        "locked": [],
        "excluded": [],
    }
    data.update(overrides)
    return data


def write(tmp_path, data, name="in.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_happy_path_writes_output_and_edges(tmp_path):
    out, edges = tmp_path / "out.json", tmp_path / "edges.csv"
    call_command("match_json", write(tmp_path, cohort()), output=str(out), edges=str(edges))
    result = json.loads(out.read_text())
    assert set(result) >= {"pairs", "unmatched", "total_score", "matched_people"}
    [pair] = result["pairs"]
    assert {k: pair[k] for k in ("a", "b", "a_teaches_b", "b_teaches_a")} == {
        "a": "ana",
        "b": "ben",
        "a_teaches_b": ["Tableau"],
        "b_teaches_a": ["SQL"],
    }
    assert pair["explanation"].startswith("ana teaches ben Tableau (level 5 to 1). ben teaches ana SQL (level 4 to 2).")
    assert result["total_score"] == pair["score"] and result["matched_people"] == 2
    assert {u["id"] for u in result["unmatched"]} == {"cy", "dee"}
    dee = next(u for u in result["unmatched"] if u["id"] == "dee")
    assert dee["reason"] == "nobody in this cohort offers what dee wants: Go."
    rows = list(csv.reader(edges.open()))
    assert rows[0] == ["a", "b", "score"]
    problem = loads(json.dumps(cohort()))
    by_id = {p.id: p for p in problem.people}
    assert rows[1:] == [
        ["ana", "ben", str(score(by_id["ana"], by_id["ben"], problem.rules))],
        ["ana", "cy", str(score(by_id["ana"], by_id["cy"], problem.rules))],
    ]
    assert int(rows[1][2]) == pair["score"]


def test_result_goes_to_standard_output_without_output_option(tmp_path, capsys):
    call_command("match_json", write(tmp_path, cohort()))
    result = json.loads(capsys.readouterr().out)
    assert result["matched_people"] == 2
    assert [s["skill"] for s in result["supply_demand"]] == ["Excel", "Go", "Spanish", "SQL", "Tableau"]


def test_missing_rules_take_the_defaults(tmp_path):
    data = cohort()
    del data["rules"]
    problem = loads(json.dumps(data))
    assert problem.rules == Rules()


def test_locks_and_exclusions_are_read(tmp_path, capsys):
    call_command("match_json", write(tmp_path, cohort(locked=[["ana", "cy"]], excluded=[["ana", "ben"]])))
    result = json.loads(capsys.readouterr().out)
    assert [(p["a"], p["b"], p["locked"]) for p in result["pairs"]] == [("ana", "cy", True)]


BAD_INPUTS = [
    ("{not json", None, None, "not valid JSON"),
    ("[]", None, None, "must hold a JSON object"),
    (cohort(people={"ana": {}}), None, "people", "must be a list"),
    (cohort(extra=1), None, "extra", "unknown key"),
    (cohort(rules={"reciprocity": True}), None, "rules.reciprocity", "unknown rule"),
    (cohort(rules={"same_department": "sometimes"}), None, "rules.same_department", "must be"),
    (cohort(rules={"reverse_mentoring_weight": 2}), None, "rules.reverse_mentoring_weight", "0 to 1"),
    (cohort(rules={"max_timezone_gap_hours": "six"}), None, "rules.max_timezone_gap_hours", "number of hours"),
    ("timezone", "ben", "timezone", "unknown time zone 'Mars/Olympus'"),
    ("duplicate", "cy", "id", "duplicate id"),
    ("offer level", "ana", "offers.Tableau", "level 7 is outside 1-5"),
    ("want level", "ben", "wants.Tableau", "level 0 is outside 1-5"),
    ("seniority", "dee", "seniority", "outside 1-8"),
    ("seniority text", "dee", "seniority", "must be a whole number 1-8"),
    ("level text", "ana", "offers.Tableau", "must be a whole number 1-5"),
    ("missing", "dee", "timezone", "is missing"),
    ("unknown field", "dee", "skills", "unknown field"),
    (cohort(locked=[["ben", "cy"]]), "ben", "locked", "ben is cy's manager"),
    (cohort(locked=[["ana", "zed"]]), "zed", "locked", "unknown person"),
    (cohort(excluded=[["ana"]]), None, "excluded", "two person ids"),
]


def bad(kind):
    data = cohort()
    people = data["people"]
    if kind == "timezone":
        people[1]["timezone"] = "Mars/Olympus"
    elif kind == "duplicate":
        people[3]["id"] = "cy"
    elif kind == "offer level":
        people[0]["offers"]["Tableau"] = 7
    elif kind == "want level":
        people[1]["wants"]["Tableau"] = 0
    elif kind == "seniority":
        people[3]["seniority"] = 9
    elif kind == "seniority text":
        people[3]["seniority"] = "4"
    elif kind == "level text":
        people[0]["offers"]["Tableau"] = 4.5
    elif kind == "missing":
        del people[3]["timezone"]
    elif kind == "unknown field":
        people[3]["skills"] = []
    return data


@pytest.mark.parametrize("data, person, field, message", BAD_INPUTS)
def test_bad_input_exits_with_status_2_names_person_and_field_and_writes_nothing(
    tmp_path, data, person, field, message
):
    if isinstance(data, str) and not data.startswith(("{", "[")):
        data = bad(data)
    out, edges = tmp_path / "out.json", tmp_path / "edges.csv"
    with pytest.raises(CommandError) as err:
        call_command("match_json", write(tmp_path, data), output=str(out), edges=str(edges))
    assert err.value.returncode == 2
    text = str(err.value)
    assert message in text
    if person:
        assert f"person {person!r}" in text
    if field:
        assert f"field {field!r}" in text
    assert sorted(os.listdir(tmp_path)) == ["in.json"]


def test_unreadable_input_exits_with_status_2(tmp_path):
    with pytest.raises(CommandError) as err:
        call_command("match_json", str(tmp_path / "missing.json"))
    assert err.value.returncode == 2


def test_command_runs_without_a_database_and_reports_errors_on_stderr(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/no_such_database"}
    good = subprocess.run(
        [sys.executable, "manage.py", "match_json", write(tmp_path, cohort()), "--output", str(tmp_path / "o.json")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert good.returncode == 0, good.stderr
    assert json.loads((tmp_path / "o.json").read_text())["matched_people"] == 2
    broken = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "match_json",
            write(tmp_path, bad("timezone"), "bad.json"),
            "--output",
            str(tmp_path / "never.json"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert broken.returncode == 2
    assert "person 'ben', field 'timezone': unknown time zone 'Mars/Olympus'" in broken.stderr
    assert broken.stdout == ""
    assert not (tmp_path / "never.json").exists()
