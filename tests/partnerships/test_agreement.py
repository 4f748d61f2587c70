"""The agreement: written together, signed by both, and signed again after any change."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentoring.partnerships.models import Agreement, AgreementSignature, AgreementVersion
from mentoring.partnerships.selectors import agreement_state
from mentoring.partnerships.services import agreement_save, agreement_sign, partnership_end
from tests.factories import AgreementFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "cadence": "biweekly",
        "outcomes": "Build a dashboard on my own.",
        "channel": "Teams chat",
        "response_time": "one_day",
        "boundaries": "No salary talk.",
        "confidentiality": "What we say stays between us.",
    }
    return {**data, **overrides}


def _form(**overrides):
    return {**_data(), "accept_pledge": "on", **overrides}


@pytest.fixture
def pair():
    partnership = PartnershipFactory(
        member_a=UserFactory(full_name="Ana Costa"), member_b=UserFactory(full_name="Ben Okafor")
    )
    return partnership, partnership.member_a, partnership.member_b


# --- Service ------------------------------------------------------------------------------------


def test_first_save_creates_version_one_signed_by_the_writer(pair):
    partnership, ana, _ben = pair
    agreement = agreement_save(partnership=partnership, editor=ana, data=_data(), base_version=None)
    assert agreement.version == 1
    assert agreement.outcomes_a == "Build a dashboard on my own." and agreement.outcomes_b == ""
    assert list(agreement.signatures.values_list("user", "version")) == [(ana.pk, 1)]
    assert agreement.versions.get().snapshot["channel"] == "Teams chat"


def test_each_partner_writes_only_their_own_outcomes(pair):
    partnership, ana, ben = pair
    agreement_save(partnership=partnership, editor=ana, data=_data(outcomes="Ana's aim"), base_version=None)
    agreement = agreement_save(partnership=partnership, editor=ben, data=_data(outcomes="Ben's aim"), base_version=1)
    assert (agreement.outcomes_a, agreement.outcomes_b) == ("Ana's aim", "Ben's aim")
    assert agreement.version == 2


def test_an_edit_by_one_partner_asks_the_other_to_sign_again(pair):
    partnership, ana, ben = pair
    agreement = AgreementFactory(partnership=partnership, signed_by=[ana, ben])
    assert agreement_state(partnership, ben).fully_signed

    data = _data(outcomes=agreement.outcomes_a, channel="Slack")
    agreement_save(partnership=partnership, editor=ana, data=data, base_version=1)

    partnership.refresh_from_db()
    state_for_ben = agreement_state(partnership, ben)
    assert state_for_ben.agreement.version == 2
    assert state_for_ben.partner_signed and not state_for_ben.viewer_signed
    assert state_for_ben.viewer_must_resign
    changes = {c.label: (c.before, c.after) for c in state_for_ben.changes_for_viewer}
    assert changes["Communication channel"] == ("Teams chat", "Slack")
    assert "Ana Costa's desired outcomes" not in changes


def test_saving_without_a_change_keeps_the_version_and_only_adds_the_editors_signature(pair):
    partnership, ana, ben = pair
    agreement = AgreementFactory(partnership=partnership, signed_by=[ana])
    snapshot = agreement.snapshot()
    agreement_save(
        partnership=partnership, editor=ben, data={**snapshot, "outcomes": snapshot["outcomes_b"]}, base_version=1
    )
    agreement.refresh_from_db()
    assert agreement.version == 1
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 1
    assert set(agreement.signatures.values_list("user", "version")) == {(ana.pk, 1), (ben.pk, 1)}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("outcomes", "   "),
        ("channel", ""),
        ("cadence", "daily"),
        ("response_time", "never"),
        ("confidentiality", ""),
        ("boundaries", "x" * 2001),
    ],
)
def test_bad_agreement_input_names_the_field_and_writes_nothing(pair, field, value):
    partnership, ana, _ben = pair
    with pytest.raises(ValidationError) as error:
        agreement_save(partnership=partnership, editor=ana, data=_data(**{field: value}), base_version=None)
    assert field in error.value.message_dict
    assert not Agreement.objects.exists()


def test_an_outsider_cannot_write_a_pairs_agreement(pair, employee):
    partnership, _ana, _ben = pair
    with pytest.raises(ValidationError, match="Only the two partners"):
        agreement_save(partnership=partnership, editor=employee, data=_data(), base_version=None)
    assert not Agreement.objects.exists()


def test_an_ended_partnership_cannot_change_its_agreement(pair):
    partnership, ana, _ben = pair
    partnership_end(partnership=partnership, ended_by=ana, reason="Done.")
    with pytest.raises(ValidationError, match="has ended"):
        agreement_save(partnership=partnership, editor=ana, data=_data(), base_version=None)


def test_an_edit_based_on_an_old_version_is_refused(pair):
    partnership, ana, ben = pair
    agreement = AgreementFactory(partnership=partnership)
    agreement_save(partnership=partnership, editor=ben, data=_data(outcomes="Ben's new aim"), base_version=1)
    with pytest.raises(ValidationError, match="changed the agreement while you were editing"):
        agreement_save(partnership=partnership, editor=ana, data=_data(channel="Slack"), base_version=1)
    agreement.refresh_from_db()
    assert agreement.version == 2 and agreement.channel == "Teams chat"


def test_an_edit_without_the_version_it_was_based_on_is_refused(pair, client_for):
    """Before: a POST without base_version skipped the "your partner changed it" check and overwrote the change."""
    partnership, ana, ben = pair
    AgreementFactory(partnership=partnership)
    agreement_save(partnership=partnership, editor=ben, data=_data(outcomes="Ben's new aim"), base_version=1)
    with pytest.raises(ValidationError, match="changed the agreement while you were editing"):
        agreement_save(partnership=partnership, editor=ana, data=_data(channel="Slack"), base_version=None)
    response = client_for(ana).post(
        reverse("partnerships:agreement_edit", args=[partnership.pk]),
        {k: v for k, v in _form().items() if k != "base_version"},
    )
    assert "This page is out of date" in response.text
    assert Agreement.objects.get().channel == "Teams chat"


def test_signing_a_version_other_than_the_current_one_is_refused(pair):
    partnership, _ana, ben = pair
    AgreementFactory(partnership=partnership, version=3)
    with pytest.raises(ValidationError, match="changed while you were reading"):
        agreement_sign(partnership=partnership, user=ben, version=2, accept_pledge=True)
    assert not AgreementSignature.objects.exists()


def test_signing_needs_the_pledge_accepted(pair):
    partnership, _ana, ben = pair
    AgreementFactory(partnership=partnership)
    with pytest.raises(ValidationError) as error:
        agreement_sign(partnership=partnership, user=ben, version=1, accept_pledge=False)
    assert "accept_pledge" in error.value.message_dict


def test_signing_needs_the_signers_own_outcomes(pair):
    partnership, ana, ben = pair
    agreement_save(partnership=partnership, editor=ana, data=_data(), base_version=None)
    with pytest.raises(ValidationError, match="Add your own desired outcomes"):
        agreement_sign(partnership=partnership, user=ben, version=1, accept_pledge=True)


def test_signing_twice_is_refused(pair):
    partnership, ana, _ben = pair
    AgreementFactory(partnership=partnership, signed_by=[ana])
    with pytest.raises(ValidationError, match="already signed"):
        agreement_sign(partnership=partnership, user=ana, version=1, accept_pledge=True)


def test_there_is_nothing_to_sign_before_the_agreement_is_written(pair):
    partnership, ana, _ben = pair
    with pytest.raises(ValidationError, match="no agreement to sign"):
        agreement_sign(partnership=partnership, user=ana, version=1, accept_pledge=True)


# --- Pages --------------------------------------------------------------------------------------


def test_the_edit_form_starts_from_the_cohorts_cadence_and_the_programs_pledge(pair, client_for):
    partnership, ana, _ben = pair
    partnership.cohort.cadence = "monthly"
    partnership.cohort.save()
    response = client_for(ana).get(reverse("partnerships:agreement_edit", args=[partnership.pk]))
    form = response.context["form"]
    assert form.initial["cadence"] == "monthly"
    assert form.initial["confidentiality"] == partnership.cohort.program.confidentiality_statement


def test_writing_the_agreement_on_the_page_signs_it_for_the_writer(pair, client_for):
    partnership, ana, _ben = pair
    response = client_for(ana).post(
        reverse("partnerships:agreement_edit", args=[partnership.pk]), _form(base_version=0)
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(partnership=partnership)
    assert agreement.signatures.filter(user=ana, version=1).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("outcomes", "", "This field is required"),
        ("channel", "", "This field is required"),
        ("cadence", "daily", "Select a valid choice"),
        ("accept_pledge", "", "This field is required"),
    ],
)
def test_the_agreement_form_shows_field_errors_and_writes_nothing(pair, client_for, field, value, message):
    partnership, ana, _ben = pair
    response = client_for(ana).post(
        reverse("partnerships:agreement_edit", args=[partnership.pk]), _form(**{field: value})
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Agreement.objects.exists()


def test_a_stale_edit_on_the_page_shows_a_clear_message(pair, client_for):
    partnership, ana, _ben = pair
    AgreementFactory(partnership=partnership, version=2)
    response = client_for(ana).post(
        reverse("partnerships:agreement_edit", args=[partnership.pk]), _form(base_version=1)
    )
    assert response.status_code == 200
    assert "changed the agreement while you were editing" in response.content.decode()


def test_resign_flow_edit_by_a_clears_bs_signature_and_b_sees_the_diff_then_signs(pair, client):
    partnership, ana, ben = pair
    agreement = AgreementFactory(partnership=partnership, signed_by=[ana, ben])
    page = reverse("partnerships:detail", args=[partnership.pk])

    client.force_login(ana)
    response = client.post(
        reverse("partnerships:agreement_edit", args=[partnership.pk]),
        {
            **_form(**agreement.snapshot()),
            "outcomes": agreement.outcomes_a,
            "boundaries": "No politics.",
            "base_version": 1,
        },
    )
    assert response.status_code == 302

    client.force_login(ben)
    body = client.get(page).content.decode()
    assert "The agreement changed since you signed it." in body
    assert 'data-testid="agreement-changes"' in body
    changes = body.split('data-testid="agreement-changes"')[1].split("</table>")[0]
    assert "Boundaries" in changes and "No talk about salaries." in changes and "No politics." in changes
    assert "Communication channel" not in changes and "desired outcomes" not in changes
    assert 'data-testid="sign-form"' in body

    response = client.post(
        reverse("partnerships:agreement_sign", args=[partnership.pk]), {"version": 2, "accept_pledge": "on"}
    )
    assert response.status_code == 302
    assert agreement.signatures.filter(user=ben, version=2).exists()
    body = client.get(page).content.decode()
    assert 'data-testid="sign-form"' not in body
    assert 'data-testid="agreement-changes"' not in body


def test_signing_on_the_page_without_ticking_the_pledge_writes_nothing(pair, client_for):
    partnership, _ana, ben = pair
    AgreementFactory(partnership=partnership)
    response = client_for(ben).post(
        reverse("partnerships:agreement_sign", args=[partnership.pk]), {"version": 1}, follow=True
    )
    assert "Tick the box" in response.content.decode()
    assert not AgreementSignature.objects.exists()


def test_signing_an_outdated_version_on_the_page_explains_and_writes_nothing(pair, client_for):
    partnership, _ana, ben = pair
    AgreementFactory(partnership=partnership, version=2)
    response = client_for(ben).post(
        reverse("partnerships:agreement_sign", args=[partnership.pk]),
        {"version": 1, "accept_pledge": "on"},
        follow=True,
    )
    assert "changed while you were reading" in response.content.decode()
    assert not AgreementSignature.objects.exists()


# --- E-mail to the partner ------------------------------------------------------------------------


def test_writing_the_agreement_emails_the_partner_a_link_to_sign_without_its_text(
    pair, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    partnership, ana, ben = pair
    with django_capture_on_commit_callbacks(execute=True):
        client_for(ana).post(reverse("partnerships:agreement_edit", args=[partnership.pk]), _form(base_version=0))
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [ben.email]
    assert "Ana Costa wrote your agreement" in message.subject
    assert f"http://testserver/partnerships/{partnership.pk}/#agreement" in message.body
    assert "Build a dashboard on my own." not in message.body and "No salary talk." not in message.body


def test_changing_the_agreement_emails_the_partner_which_fields_changed_but_not_how(
    pair, mailoutbox, django_capture_on_commit_callbacks
):
    partnership, ana, ben = pair
    agreement = AgreementFactory(partnership=partnership, signed_by=[ana, ben])
    data = {**agreement.snapshot(), "outcomes": agreement.outcomes_b, "channel": "Signal"}
    with django_capture_on_commit_callbacks(execute=True):
        agreement_save(partnership=partnership, editor=ben, data=data, base_version=1)
    assert [m.to for m in mailoutbox] == [[ana.email]]
    assert "please sign again" in mailoutbox[0].subject
    assert "What changed: Communication channel." in mailoutbox[0].body
    assert "Signal" not in mailoutbox[0].body


def test_saving_without_a_change_emails_no_one(pair, mailoutbox, django_capture_on_commit_callbacks):
    partnership, ana, ben = pair
    agreement = AgreementFactory(partnership=partnership, signed_by=[ana])
    with django_capture_on_commit_callbacks(execute=True):
        agreement_save(
            partnership=partnership,
            editor=ben,
            data={**agreement.snapshot(), "outcomes": agreement.outcomes_b},
            base_version=1,
        )
    assert mailoutbox == []
