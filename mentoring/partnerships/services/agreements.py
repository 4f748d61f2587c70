"""Writes for the agreement: writing or changing it (saving signs it) and signing a version.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked (field errors as a dict).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring.notifications.services import message_queue
from mentoring.partnerships.models import (
    Agreement,
    AgreementSignature,
    AgreementVersion,
    Partnership,
    ResponseTime,
)
from mentoring.partnerships.selectors import agreement_changes
from mentoring.partnerships.services.guards import lock_partnership, refuse_unless_active, refuse_unless_member
from mentoring.programs.models import Cadence

# What a partner may write, with the limits the model sets.
AGREEMENT_INPUT_FIELDS = ("cadence", "outcomes", "channel", "response_time", "boundaries", "confidentiality")


def _clean_agreement_data(data: dict) -> dict[str, str]:
    values = {name: (data.get(name) or "").strip() for name in AGREEMENT_INPUT_FIELDS}
    errors: dict[str, str] = {}
    if values["cadence"] not in Cadence.values:
        errors["cadence"] = "Choose how often you meet."
    if not values["outcomes"]:
        errors["outcomes"] = "Write what you want to get out of this partnership."
    elif len(values["outcomes"]) > 2000:
        errors["outcomes"] = "Keep your outcomes under 2000 characters."
    if not values["channel"]:
        errors["channel"] = "Say where you reach each other between sessions, e.g. Teams chat."
    elif len(values["channel"]) > 120:
        errors["channel"] = "Keep the channel under 120 characters."
    if values["response_time"] not in ResponseTime.values:
        errors["response_time"] = "Choose how quickly you answer each other."
    if len(values["boundaries"]) > 2000:
        errors["boundaries"] = "Keep the boundaries under 2000 characters."
    if not values["confidentiality"]:
        errors["confidentiality"] = "The agreement needs a confidentiality pledge."
    elif len(values["confidentiality"]) > 4000:
        errors["confidentiality"] = "Keep the pledge under 4000 characters."
    if errors:
        raise ValidationError(errors, code="invalid")
    return values


def agreement_initial(*, partnership: Partnership) -> dict[str, str]:
    """What a new agreement starts from: the cohort's cadence and the program's confidentiality statement."""
    return {
        "cadence": partnership.cohort.cadence,
        "response_time": ResponseTime.ONE_DAY,
        "confidentiality": partnership.cohort.program.confidentiality_statement,
    }


def _sign(agreement: Agreement, user: User) -> AgreementSignature:
    signature, _created = AgreementSignature.objects.get_or_create(
        agreement=agreement, user=user, version=agreement.version
    )
    return signature


def _ask_partner_to_sign(*, partnership: Partnership, editor: User, changed: list[str], base_url: str) -> None:
    """E-mail the partner that there is a version to sign. Only the changed fields' names, never their text:
    the agreement's content stays on the pair's page."""
    partner = partnership.partner_of(editor)
    context = {
        "user": partner,
        "editor": editor,
        "partnership": partnership,
        "changed": changed,
        "link": base_url.rstrip("/") + reverse("partnerships:detail", args=[partnership.pk]) + "#agreement",
    }
    message_queue(
        kind="agreement_to_sign", to=partner.email, recipient=partner, timezone=partner.timezone, context=context
    )


@transaction.atomic
def agreement_save(
    *, partnership: Partnership, editor: User, data: dict, base_version: int | None, base_url: str = ""
) -> Agreement:
    """Write or change the pair's agreement. Saving is signing: the editor proposes this version and signs it.

    ``data["outcomes"]`` is the editor's own desired outcomes; each partner writes their own. A change raises
    the version, so the partner's earlier signature no longer counts and they are asked to sign again.
    ``base_version`` is the version the editor started from (None while there is no agreement yet): if the
    partner saved in between, or no version is given for an existing agreement, nothing is written and the editor
    is asked to look again, so neither silently overwrites the other. A new version
    e-mails the partner a link to review and sign it (``base_url`` makes the link absolute).
    """
    partnership = lock_partnership(partnership)
    refuse_unless_member(partnership, editor)
    refuse_unless_active(partnership)
    values = _clean_agreement_data(data)
    outcomes_field = "outcomes_a" if editor.pk == partnership.member_a_id else "outcomes_b"
    now = timezone.now()

    agreement = Agreement.objects.select_for_update().filter(partnership=partnership).first()
    if agreement is not None and base_version != agreement.version:
        raise ValidationError(
            "Your partner changed the agreement while you were editing it. Review their changes and edit again.",
            code="stale",
        )
    if agreement is None:
        agreement = Agreement(partnership=partnership, version=1, created_at=now)
        changed = True
    else:
        changed = False
    before = agreement.snapshot() if agreement.pk else None
    for name in ("cadence", "channel", "response_time", "boundaries", "confidentiality"):
        setattr(agreement, name, values[name])
    setattr(agreement, outcomes_field, values["outcomes"])
    if before is not None and agreement.snapshot() != before:
        agreement.version += 1
        changed = True
    if changed:
        agreement.updated_at = now
        agreement.updated_by = editor
        agreement.full_clean(exclude=["partnership"])
        agreement.save()
        AgreementVersion.objects.create(
            agreement=agreement, number=agreement.version, snapshot=agreement.snapshot(), edited_by=editor
        )
        partner = partnership.partner_of(editor)
        labels = [c.label for c in agreement_changes(partnership, partner, before or {}, agreement.snapshot())]
        _ask_partner_to_sign(
            partnership=partnership, editor=editor, changed=labels if before else [], base_url=base_url
        )
    _sign(agreement, editor)
    return agreement


@transaction.atomic
def agreement_sign(*, partnership: Partnership, user: User, version: int, accept_pledge: bool) -> AgreementSignature:
    """Sign the version the partner has read; signing accepts its confidentiality pledge.

    Refused if the agreement changed since the page was shown (``version`` is what they read), if they have
    not written their own outcomes yet, or if they already signed this version.
    """
    partnership = lock_partnership(partnership)
    refuse_unless_member(partnership, user)
    refuse_unless_active(partnership)
    agreement = Agreement.objects.select_for_update().filter(partnership=partnership).first()
    if agreement is None:
        raise ValidationError("There is no agreement to sign yet: write it first.", code="missing")
    if version != agreement.version:
        raise ValidationError(
            "The agreement changed while you were reading it. Review the changes below and sign again.",
            code="stale",
        )
    if not accept_pledge:
        raise ValidationError({"accept_pledge": "Accept the confidentiality pledge to sign."}, code="required")
    if not agreement.outcomes_of(user).strip():
        raise ValidationError(
            "Add your own desired outcomes before you sign: edit the agreement.", code="outcomes_missing"
        )
    if AgreementSignature.objects.filter(agreement=agreement, user=user, version=agreement.version).exists():
        raise ValidationError("You have already signed this version.", code="already_signed")
    return _sign(agreement, user)
