"""Public disclosure (执行信息公开): a party looks up their own case with its number and their ID number.

Every wrong combination — unknown number, wrong ID, malformed input, wrong or stale captcha — gets the same answer
(same status, same body) after the same time (DISCLOSURE_MIN_SECONDS), so the page cannot be used to learn whether a
case number exists. Guessing is bounded (issue 11, point 3):

- a captcha drawn locally by django-simple-captcha (no outside service), single use: a wrong answer burns it;
- limits per client address (execcenter.clientip), per case number and per ID number, each a sliding window shared
  by every process (execcenter.ratelimit); the number and ID limits count only lookups whose captcha was solved, so
  nobody can lock a real party out without solving captchas;
- a burst of failures, or a case number or ID number hitting its limit, raises an alert on the duty desk;
- every lookup is audited with the ID number masked.
"""

import hashlib
import time

from captcha.models import CaptchaStore
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import MeasureStatus, MoneyKind
from cases.models import CaseParty, Measure, MoneyEntry
from execcenter.choices import AlertSeverity
from execcenter.clientip import client_ip
from execcenter.identifiers import normalise_case_number, normalise_id_number
from execcenter.models import Court
from execcenter.money import MoneySum
from execcenter.ratelimit import hit
from execcenter.services import audit, raise_alert
from execcenter.validators import parse_case_number


def limits():
    """{dimension: (lookups, seconds)} from settings: per client address, per case number, per ID number."""
    return {
        "ip": (settings.DISCLOSURE_LIMIT_PER_IP, settings.DISCLOSURE_WINDOW_PER_IP),
        "number": (settings.DISCLOSURE_LIMIT_PER_CASE_NUMBER, settings.DISCLOSURE_WINDOW_PER_CASE_NUMBER),
        "id": (settings.DISCLOSURE_LIMIT_PER_ID_NUMBER, settings.DISCLOSURE_WINDOW_PER_ID_NUMBER),
    }


def guesses_per_day():
    """Lookups one attacker gets per day, per dimension (each needs a solved captcha): what the README reports."""
    return {dim: n * 86400 // window for dim, (n, window) in limits().items()}


def new_challenge(request=None):
    """A new captcha: its key for the form (the image is drawn by captcha_image), or None when the client address has
    had DISCLOSURE_CHALLENGES_PER_IP of them in DISCLOSURE_WINDOW_PER_IP seconds: each is a row written and an image
    drawn for an anonymous visitor, so a script fetching the page in a loop filled the table (issue 11, point 3).
    Expired challenges are removed here, as new ones are issued."""
    if request is not None:
        limit, window = settings.DISCLOSURE_CHALLENGES_PER_IP, settings.DISCLOSURE_WINDOW_PER_IP
        if not hit(f"disclosure:challenge:{client_ip(request) or 'unknown'}", limit, window)[0]:
            return None
    CaptchaStore.remove_expired()
    return CaptchaStore.generate_key()


def may_draw_image(request):
    """Count one captcha image drawn for this client address; False beyond DISCLOSURE_IMAGES_PER_IP per window (each
    image costs the server a PNG rendering)."""
    limit, window = settings.DISCLOSURE_IMAGES_PER_IP, settings.DISCLOSURE_WINDOW_PER_IP
    return hit(f"disclosure:image:{client_ip(request) or 'unknown'}", limit, window)[0]


def take_challenge(key, answer):
    """True when `answer` solves captcha `key` (case-insensitive, unexpired). The captcha is deleted either way."""
    key, answer = (key or "")[:40], (answer or "").strip().lower()[:16]
    solved = CaptchaStore.objects.filter(hashkey=key, response=answer, expiration__gt=timezone.now()).exists()
    CaptchaStore.objects.filter(hashkey=key).delete()
    return bool(key and answer) and solved


def _digest(value):
    # Limits are keyed by a digest: no ID number is written to the cache in clear.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def over_ip_limit(request):
    """Count this request against its address's window; True when it is one too many."""
    n, window = limits()["ip"]
    return not hit(f"disclosure:ip:{client_ip(request) or 'unknown'}", n, window)[0]


def _over_target_limits(number, id_number):
    """Count a solved lookup against its case number and ID number; the names of the limits it is over."""
    over = []
    for dim, value in (("number", number), ("id", id_number)):
        n, window = limits()[dim]
        if not hit(f"disclosure:{dim}:{_digest(value)}", n, window)[0]:
            over.append(dim)
    return over


def _alert_duty_desk(title, dedup, court=None):
    court = court or Court.objects.filter(parent__isnull=True).order_by("pk").first()
    if court is not None:
        raise_alert(
            kind="disclosure_abuse",
            court=court,
            title=title,
            dedup_key=dedup,
            severity=AlertSeverity.WARNING,
            message=_(
                "执行公开查询出现异常的集中失败或针对同一案号/证件号的反复查询，请核查来源地址（审计日志 disclosure.lookup）。"
            ),
            link="/audit/?action=disclosure.lookup",
        )


def _count_failure():
    """A burst of failed lookups across all addresses (a distributed attack) raises one alert per window."""
    n, window = settings.DISCLOSURE_BURST_FAILURES, settings.DISCLOSURE_BURST_WINDOW
    if not hit("disclosure:failures", n, window)[0]:
        _alert_duty_desk(
            _("执行公开查询失败激增（%(n)s 次 / %(m)s 分钟）") % {"n": n, "m": window // 60},
            f"disclosure-burst:{int(time.time() // window)}",
        )


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
        .filter(case__number=normalised, party__id_number=id_number)
        .first()
    )
    return (link.case, link.party) if link else None


def progress(case, party):
    """What the party may see of their own case: no other party's name, ID or address appears here."""
    measures = (
        Measure.objects.filter(case=case)
        .exclude(status=MeasureStatus.REVOKED)
        .order_by("decided_on", "id")
        .values_list("kind", "decided_on", "status")
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
            {
                "kind": Measure(kind=k).get_kind_display(),
                "decided_on": d,
                "status": Measure(status=s).get_status_display(),
            }
            for k, d, s in measures
        ],
        "payouts_to_you": [
            {"on": timezone.localdate(e.occurred_at), "amount": e.amount} for e in paid_to_party.order_by("occurred_at")
        ],
        "paid_to_you_total": paid_to_party.aggregate(total=MoneySum("amount"))["total"] or 0,
    }


def _masked(value):
    # Whatever was typed (valid or not) is kept only as its first 6 and last 4 characters.
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def lookup(request, number, id_number, captcha_key, captcha_answer):
    """One audited lookup: ("ok", progress dict), ("failed", None) for every kind of failure, or ("limited", None)
    when the case number or ID number has used up its lookups. Takes at least DISCLOSURE_MIN_SECONDS whatever the
    outcome, so the time taken tells nothing either."""
    started = time.monotonic()
    challenge_ok = take_challenge(captcha_key, captcha_answer)
    found = find_party_case(number, id_number)  # always run: a refused captcha costs the same query
    number_key = _normalise_number(number) or normalise_case_number(number or "")[:40]
    id_key = normalise_id_number(id_number or "")[:18]
    over = _over_target_limits(number_key, id_key) if challenge_ok else []
    if over:
        outcome = "limited"
    elif not challenge_ok:
        outcome = "challenge"
    else:
        outcome = "ok" if found else "no_match"
    case = found[0] if found and outcome == "ok" else None
    audit(
        None,
        "disclosure.lookup",
        court=case.court if case else None,
        request=request,
        object_type="cases.case",
        object_id=case.pk if case else "",
        details={"number": (number or "")[:40], "id_number": _masked(id_key), "outcome": outcome, "over": over},
    )
    if over:
        _alert_duty_desk(
            _("执行公开查询：同一%(what)s查询次数已达上限") % {"what": _("案号") if "number" in over else _("证件号")},
            f"disclosure-target:{_digest(number_key if 'number' in over else id_key)}:{timezone.localdate()}",
            court=found[0].court if found else None,
        )
    elif outcome != "ok":
        _count_failure()
    result = ("ok", progress(*found)) if outcome == "ok" else (("limited", None) if over else ("failed", None))
    time.sleep(max(0.0, settings.DISCLOSURE_MIN_SECONDS - (time.monotonic() - started)))
    return result
