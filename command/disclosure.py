"""Public disclosure (执行信息公开): a party looks up their own case with its number and their ID number.

Every wrong combination — unknown number, wrong ID, malformed input, wrong or stale challenge — gets the
same answer (same status, same body), so the page cannot be used to learn whether a case number exists.
Lookups are rate-limited per client IP and every one is audited, with the ID number masked.
"""
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from cases.choices import MeasureStatus, MoneyKind
from cases.models import CaseParty, Measure, MoneyEntry
from execcenter.identifiers import normalise_case_number, normalise_id_number
from execcenter.services import audit, client_ip
from execcenter.validators import parse_case_number

SESSION_KEY = "disclosure-challenge"
# Lookups allowed per client IP per window; beyond that the page answers 429 until the window ends.
RATE_LIMIT = getattr(settings, "DISCLOSURE_RATE_LIMIT", 10)
RATE_WINDOW = getattr(settings, "DISCLOSURE_RATE_WINDOW", 600)


def new_challenge(session):
    """A small sum the person must solve; the answer lives only in their server-side session, used once."""
    a, b = secrets.randbelow(20) + 1, secrets.randbelow(20) + 1
    session[SESSION_KEY] = str(a + b)
    return f"{a} + {b} = ?"


def take_challenge(session, answer):
    expected = session.pop(SESSION_KEY, None)
    return expected is not None and (answer or "").strip() == expected


def over_rate_limit(request):
    """Count this attempt against the client's window; True when it is one too many."""
    key = f"disclosure-rl:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return count > RATE_LIMIT


def _normalise_number(raw):
    try:
        return str(parse_case_number(raw, check_court=False))
    except ValidationError:
        return None


def find_party_case(number, id_number):
    """The (case, party) pair matching both inputs exactly, or None. One query whatever the input, so a
    malformed, unknown or mismatched lookup costs the same."""
    normalised = _normalise_number(number) or normalise_case_number(number)[:40]
    id_number = normalise_id_number(id_number)[:18]
    link = (
        CaseParty.objects.select_related("case__court", "party")
        .filter(case__number=normalised, party__id_number=id_number).first()
    )
    return (link.case, link.party) if link else None


def progress(case, party):
    """What the party may see of their own case: no other party's name, ID or address appears here."""
    measures = (
        Measure.objects.filter(case=case).exclude(status=MeasureStatus.REVOKED)
        .order_by("decided_on", "id").values_list("kind", "decided_on", "status")
    )
    paid_to_party = MoneyEntry.objects.filter(case=case, kind=MoneyKind.PAYOUT, payee=party)
    return {
        "number": case.number,
        "court": case.court.name,
        "case_type": case.get_case_type_display(),
        "status": case.get_status_display(),
        "closure_type": case.get_closure_type_display() if case.closure_type else "",
        "filed_on": case.filed_on,
        "statutory_deadline": case.statutory_deadline,
        "closed_on": case.closed_on,
        "claim_amount": case.claim_amount,
        "recovered_amount": case.recovered_amount,
        "measures": [
            {"kind": Measure(kind=k).get_kind_display(), "decided_on": d, "status": Measure(status=s).get_status_display()}
            for k, d, s in measures
        ],
        "payouts_to_you": [
            {"on": timezone.localdate(e.occurred_at), "amount": e.amount} for e in paid_to_party.order_by("occurred_at")
        ],
        "paid_to_you_total": paid_to_party.aggregate(total=Sum("amount"))["total"] or 0,
    }


def _masked(value):
    # Whatever was typed (valid or not) is kept only as its first 6 and last 4 characters.
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def lookup(request, number, id_number, challenge_answer):
    """One audited lookup: returns the progress dict, or None for every kind of failure."""
    challenge_ok = take_challenge(request.session, challenge_answer)
    found = find_party_case(number, id_number)
    outcome = "ok" if (challenge_ok and found) else ("challenge" if not challenge_ok else "no_match")
    case = found[0] if found and challenge_ok else None
    audit(
        None, "disclosure.lookup", court=case.court if case else None, request=request,
        object_type="cases.case", object_id=case.pk if case else "",
        details={"number": (number or "")[:40], "id_number": _masked(normalise_id_number(id_number)[:18]), "outcome": outcome},
    )
    return progress(*found) if outcome == "ok" else None
