"""Checking every row of an employee file: each error names its row, column and a way out."""

import pytest
from allauth.account.models import EmailAddress

from accounts import importing
from accounts.models import Skill
from tests.accounts.import_helpers import HEADER, make_csv, person
from tests.factories import OfferedSkillFactory, SkillProfileFactory, UserFactory, WantedSkillFactory

pytestmark = pytest.mark.django_db

ANA = "ana@northwind.example"
BEN = "ben@northwind.example"


def check(*rows, header=None):
    return importing.check_file(make_csv(list(rows), header=header))


def errors_of(plan, column=None):
    return [(e.row, e.column, e.message) for e in plan.errors if column is None or e.column == column]


def only_error(plan):
    assert len(plan.errors) == 1, plan.errors
    return plan.errors[0]


def test_valid_file_has_no_errors_and_plans_creates():
    plan = check(person(ANA, manager_email=BEN), person(BEN))
    assert plan.is_valid
    assert plan.counts() == {"rows": 2, "create": 2, "update": 0, "unchanged": 0, "error_rows": 0, "errors": 0}


@pytest.mark.parametrize("email", ["ana", "ana@", "ana at northwind.example", "ana@northwind..example"])
def test_bad_email_is_an_error(email):
    error = only_error(check(person(email)))
    assert (error.row, error.column) == (2, "email")
    assert "not a valid e-mail address" in error.message


def test_missing_email_is_an_error():
    assert errors_of(check(person("")), "email") == [(2, "email", "The e-mail address is missing.")]


def test_duplicate_email_in_the_file_is_an_error_on_the_later_row():
    plan = check(person(ANA), person(BEN), person("ANA@northwind.example"))
    assert errors_of(plan) == [(4, "email", "ana@northwind.example is already on row 2; list each person once.")]


def test_unknown_time_zone_suggests_the_closest():
    error = only_error(check(person(ANA, timezone="Europe/Berln")))
    assert error.column == "timezone"
    assert error.message == "“Europe/Berln” is not a known time zone; did you mean Europe/Berlin?"


def test_time_zone_in_other_case_is_accepted_as_the_real_name():
    plan = check(person(ANA, timezone="america/new_york"))
    assert plan.is_valid
    assert plan.rows[0].timezone == "America/New_York"


def test_time_zone_nothing_like_a_zone_says_what_to_use():
    error = only_error(check(person(ANA, timezone="Mars Base One")))
    assert "use a name like Europe/Berlin" in error.message


def test_missing_values_are_errors():
    plan = check(person(ANA, full_name="", department="", job_title="", seniority="", timezone=""))
    assert [e.column for e in plan.errors] == ["department", "full_name", "job_title", "seniority", "timezone"]


def test_too_long_text_is_an_error():
    error = only_error(check(person(ANA, department="x" * 121)))
    assert error.column == "department"
    assert "longer than 120 characters" in error.message


@pytest.mark.parametrize("value", ["0", "9", "three", "3.5", "-1"])
def test_seniority_outside_1_to_8_is_an_error(value):
    error = only_error(check(person(ANA, seniority=value)))
    assert error.column == "seniority"
    assert f"whole number from 1 to 8, not “{value}”" in error.message


def test_manager_later_in_the_file_is_fine():
    assert check(person(ANA, manager_email=BEN), person(BEN)).is_valid


def test_manager_already_in_twoway_is_fine(db):
    UserFactory(email=BEN)
    assert check(person(ANA, manager_email="Ben@Northwind.example")).is_valid


def test_manager_neither_in_file_nor_database_is_an_error():
    error = only_error(check(person(ANA, manager_email=BEN)))
    assert (error.row, error.column) == (2, "manager_email")
    assert error.message == f"The manager {BEN} is neither in this file nor in Twoway; add them as a row."


def test_deactivated_manager_is_an_error():
    UserFactory(email=BEN, is_active=False)
    assert "deactivated" in only_error(check(person(ANA, manager_email=BEN))).message


def test_bad_manager_email_is_an_error():
    assert "not a valid e-mail address" in only_error(check(person(ANA, manager_email="boss"))).message


def test_own_manager_is_an_error():
    error = only_error(check(person(ANA, manager_email=ANA.upper())))
    assert error.message == "A person cannot be their own manager."


def test_manager_loop_within_the_file_is_an_error_on_each_member():
    plan = check(
        person(ANA, manager_email=BEN),
        person(BEN, manager_email="cy@northwind.example"),
        person("cy@northwind.example", manager_email=ANA),
    )
    assert [e.row for e in plan.errors] == [2, 3, 4]
    assert all("managers form a loop" in e.message for e in plan.errors)


def test_manager_loop_through_someone_already_in_twoway_is_an_error():
    cy = "cy@northwind.example"
    SkillProfileFactory(user=UserFactory(email=BEN), manager=UserFactory(email=cy))
    # In the file Ana manages Cy and Ben manages Ana; in Twoway Cy manages Ben: a loop of three.
    plan = check(person(cy, manager_email=ANA), person(ANA, manager_email=BEN))
    loop = f"The managers form a loop: {cy} → {ANA} → {BEN} → {cy}."
    assert errors_of(plan) == [(2, "manager_email", loop), (3, "manager_email", loop)]


def test_manager_chain_into_twoway_without_a_loop_is_fine():
    SkillProfileFactory(user=UserFactory(email=BEN), manager=UserFactory(email="cy@northwind.example"))
    assert check(person(ANA, manager_email=BEN), person("dee@northwind.example", manager_email=ANA)).is_valid


def test_unknown_skill_suggests_did_you_mean():
    error = only_error(check(person(ANA, offered_skills="Pyhton:4")))
    assert (error.row, error.column) == (2, "offered_skills")
    assert error.message == "“Pyhton” is not in the skill catalogue; did you mean Python?"


def test_unknown_skill_suggests_a_longer_catalogue_name_containing_it():
    error = only_error(check(person(ANA, wanted_skills="Scrum:1>3")))
    assert "did you mean Agile and Scrum?" in error.message


def test_unknown_skill_without_any_close_name_says_to_add_it_first():
    error = only_error(check(person(ANA, offered_skills="Underwater basket weaving:5")))
    assert "add it to the skill catalogue first" in error.message


def test_skill_names_match_case_insensitively_and_ignore_extra_spaces():
    plan = check(person(ANA, offered_skills="python:4;  power   bi :3", wanted_skills="PUBLIC SPEAKING:2>4"))
    assert plan.is_valid
    python, power_bi = Skill.objects.get(name="Python"), Skill.objects.get(name="Power BI")
    assert plan.rows[0].offered == {python.pk: 4, power_bi.pk: 3}


def test_retired_skill_is_rejected():
    Skill.objects.filter(name="Tableau").update(is_retired=True)
    error = only_error(check(person(ANA, offered_skills="Tableau:4")))
    assert error.message == "Tableau has been retired from the skill catalogue; choose another skill."


def test_retired_skill_the_person_already_offers_is_kept():
    tableau = Skill.objects.get(name="Tableau")
    OfferedSkillFactory(user=UserFactory(email=ANA), skill=tableau, level=4)
    tableau.is_retired = True
    tableau.save()
    assert check(person(ANA, offered_skills="Tableau:4")).is_valid


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Python:6", "The level of Python must be a whole number from 1 to 5, not “6”."),
        ("Python:0", "The level of Python must be a whole number from 1 to 5, not “0”."),
        ("Python:high", "The level of Python must be a whole number from 1 to 5, not “high”."),
        ("Python", "“Python” needs a level after a colon, like Python:4."),
    ],
)
def test_offered_level_outside_1_to_5_is_an_error(cell, message):
    assert errors_of(check(person(ANA, offered_skills=cell))) == [(2, "offered_skills", message)]


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("Negotiation:0>3", "must be whole numbers from 1 to 5 written current>target"),
        ("Negotiation:2>6", "must be whole numbers from 1 to 5 written current>target"),
        ("Negotiation:4>2", "The target level of Negotiation (2) must be above the current level (4)."),
        ("Negotiation:3>3", "must be above the current level"),
        ("Negotiation:5", "already at the top level (5)"),
        ("Negotiation", "needs a level after a colon, like Public speaking:2>4."),
    ],
)
def test_wanted_levels_outside_1_to_5_or_not_rising_are_errors(cell, fragment):
    error = only_error(check(person(ANA, wanted_skills=cell)))
    assert error.column == "wanted_skills"
    assert fragment in error.message


def test_wanted_target_defaults_to_one_level_up():
    plan = check(person(ANA, wanted_skills="Negotiation:1; Public speaking:4"))
    negotiation, speaking = Skill.objects.get(name="Negotiation"), Skill.objects.get(name="Public speaking")
    assert plan.rows[0].wanted == {negotiation.pk: (1, 2), speaking.pk: (4, 5)}


def test_same_skill_listed_twice_is_an_error():
    assert "Python is listed twice." in only_error(check(person(ANA, offered_skills="Python:4; python:3"))).message


def test_same_skill_offered_and_wanted_is_an_error():
    error = only_error(check(person(ANA, offered_skills="Python:4", wanted_skills="Python:1>2")))
    assert error.column == "wanted_skills"
    assert "Python is both offered and wanted" in error.message


def test_offering_a_skill_the_person_already_wants_is_an_error_when_the_file_has_no_wanted_column():
    WantedSkillFactory(user=UserFactory(email=ANA), skill=Skill.objects.get(name="Python"))
    header = [c for c in HEADER if c != "wanted_skills"]
    error = only_error(check(person(ANA, offered_skills="Python:4"), header=header))
    assert error.column == "offered_skills"
    assert "both offered and wanted" in error.message


def test_more_than_ten_skills_is_an_error():
    names = list(Skill.objects.values_list("name", flat=True)[:11])
    error = only_error(check(person(ANA, offered_skills="; ".join(f"{n}:3" for n in names), wanted_skills="")))
    assert error.message == "List at most 10 skills; this cell has 11."


def test_ten_skills_are_fine():
    names = list(Skill.objects.values_list("name", flat=True)[:10])
    assert check(person(ANA, offered_skills="; ".join(f"{n}:3" for n in names), wanted_skills="")).is_valid


def test_address_of_another_account_is_an_error_for_a_new_person():
    owner = UserFactory(email="ana.costa@northwind.example")
    EmailAddress.objects.create(user=owner, email=ANA, verified=True)
    error = only_error(check(person(ANA)))
    assert error.message == f"{ANA} is already an e-mail address of the account ana.costa@northwind.example."


def test_address_outside_the_company_domains_is_an_error_for_a_new_person(settings):
    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    assert "not a company address" in only_error(check(person("ana@gmail.example"))).message


def test_every_row_is_checked_not_just_the_first_bad_one():
    plan = check(person("bad"), person(BEN, seniority="12"), person("cy@northwind.example", timezone="Nowhere/Else"))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "email"), (3, "seniority"), (4, "timezone")]
    assert plan.counts()["error_rows"] == 3
    assert plan.counts()["create"] == 0


@pytest.mark.parametrize("value", ["=cmd|' /C calc'!A0", "+1 Sales", "-Ops", "@SUM(A1:A9)"])
def test_formula_like_cells_are_plain_text(value):
    plan = check(person(ANA, full_name=value, department=value, job_title=value))
    assert plan.is_valid
    assert (plan.rows[0].full_name, plan.rows[0].department, plan.rows[0].job_title) == (value, value, value)


def test_known_person_with_the_same_data_is_unchanged_and_with_new_data_is_an_update():
    ana = UserFactory(email=ANA, full_name="Ana", timezone="Europe/Berlin")
    SkillProfileFactory(user=ana, department="Finance", job_title="Analyst", seniority=3)
    OfferedSkillFactory(user=ana, skill=Skill.objects.get(name="Python"), level=4)
    WantedSkillFactory(user=ana, skill=Skill.objects.get(name="Public speaking"), current_level=2, target_level=4)
    assert check(person(ANA)).counts()["unchanged"] == 1

    plan = check(person(ANA, department="Sales", offered_skills="Python:5; SQL:2"))
    [row] = plan.with_action("update")
    assert row.changes == ["department: Finance → Sales", "offered skills: Python 4 → Python 5, SQL 2"]


def test_known_person_without_a_profile_is_an_update():
    UserFactory(email=ANA, full_name="Ana", timezone="Europe/Berlin")
    [row] = check(person(ANA)).with_action("update")
    assert row.changes[0] == "creates their skill profile"


def _rows(count):
    # Half the people are already in Twoway; everyone's manager is the first person.
    return [person(f"p{i}@northwind.example", manager_email="p0@northwind.example" if i else "") for i in range(count)]


def test_checking_costs_the_same_queries_for_10_and_100_rows(django_assert_num_queries):
    for i in range(0, 100, 2):
        UserFactory(email=f"p{i}@northwind.example")
    small, large = make_csv(_rows(10)), make_csv(_rows(100))
    # skills; people by e-mail; their offered skills; their wanted skills; manager links; e-mail addresses;
    # the departments in use (one grouped query)
    with django_assert_num_queries(7):
        assert importing.check_file(small).is_valid
    with django_assert_num_queries(7):
        assert importing.check_file(large).is_valid


# --- Over-long and odd values: a row error each, never a 500 --------------------------------------------------------

LONG_EMAIL = "a" * 282 + "@northwind.example"  # 300 characters


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("email", LONG_EMAIL, "The e-mail address is longer than 254 characters."),
        ("full_name", "x" * 300, "The full name is longer than 150 characters."),
        ("department", "x" * 300, "The department is longer than 120 characters."),
        ("job_title", "x" * 300, "The job title is longer than 120 characters."),
        ("manager_email", LONG_EMAIL, "The manager's e-mail address is longer than 254 characters."),
        ("timezone", "Europe/" + "x" * 293, "is not a known time zone"),
        ("seniority", "3" * 300, "The seniority band must be a whole number from 1 to 8"),
        ("offered_skills", "Python:" + "4" * 300, "The level of Python must be a whole number from 1 to 5"),
        ("offered_skills", "x" * 300 + ":4", "is not in the skill catalogue"),
    ],
)
def test_a_300_character_value_is_an_error_on_its_row(column, value, message):
    row = person(ANA)
    row[column] = value
    error = only_error(check(row))
    assert (error.row, error.column) == (2, column)
    assert message in error.message


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("seniority", "²"),  # a digit to str.isdigit(), not to int()
        ("seniority", "9" * 5000),  # more digits than int() converts
        ("offered_skills", "Python:²"),
        ("wanted_skills", "Public speaking:²>4"),
        ("wanted_skills", "Public speaking:2>" + "4" * 5000),
    ],
)
def test_digits_that_are_no_whole_number_are_an_error_on_their_row(column, value):
    """Before: "²" (and a number of 5,000 digits) passed str.isdigit() and then broke int(): a 500."""
    error = only_error(check(person(ANA, **{column: value})))
    assert (error.row, error.column) == (2, column)


def test_an_address_that_grows_past_254_characters_when_lower_cased_is_an_error():
    """Before: "İ" lower-cases to two characters, so a 254-character address was stored as 255 (PostgreSQL refused
    the whole import with an error page)."""
    email = "İ" + "a" * 62 + "@" + "n" * 62 + "." + "n" * 62 + "." + "n" * 46 + ".northwind.example"
    assert len(email) == 254 and len(email.lower()) == 255
    error = only_error(check(person(email)))
    assert (error.column, error.message) == ("email", "The e-mail address is longer than 254 characters.")
