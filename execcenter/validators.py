"""Validators for identity numbers and case numbers, each refusing with a clear Chinese message."""

import datetime as dt
import re
from dataclasses import dataclass
from operator import mul

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .identifiers import normalise_case_number, normalise_id_number, normalise_phone

# GB 11643-1999: 17 digits weighted, mod 11 gives the check character.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# ASCII only: Python's \d also matches full-width and Arabic-Indic digits, which `int()` then reads as their values.
_ID_RE = re.compile(r"^[1-9][0-9]{16}[0-9X]$", re.ASCII)


_ID_ZERO = ord("0") * sum(_ID_WEIGHTS)  # what the weighted sum of the characters' codes adds to the digits'


def resident_id_check_char(first17):
    """The GB 11643 check character of the first 17 digits ("X" for 10)."""
    if first17.isascii() and first17.isdigit():
        # Weighted sum of the code points in C (map), minus the code of "0" per weight: the same sum as of the
        # digits. The demo generator computes ~20 million of these at 10M cases; the generator expression took
        # ~1/6 of its time.
        return _ID_CHECK[(sum(map(mul, first17.encode(), _ID_WEIGHTS)) - _ID_ZERO) % 11]
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS)) % 11]


def validate_resident_id(value):
    """18-digit resident identity number (GB 11643): format, birth date, checksum. Returns it folded to ASCII and
    upper-cased (execcenter.identifiers), the form it is stored and searched in."""
    value = normalise_id_number(value)
    if not _ID_RE.match(value):
        raise ValidationError(_("身份证号码应为18位：17位数字加1位校验码（数字或X）"), code="id_format")
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期无效"), code="id_birth_date") from None
    if born > timezone.localdate() or born.year < 1900:
        raise ValidationError(_("身份证号码中的出生日期无效"), code="id_birth_date")
    if resident_id_check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号码校验码错误"), code="id_checksum")
    return value


# GB 32100-2015: 31-character alphabet without I, O, S, V, Z; weights 3^i mod 31.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[1-9A-GY][1-9A-Z][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.ASCII)


_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARS)}


def credit_code_check_char(first17):
    """The GB 32100 check character of the first 17 characters. ValueError for a character outside USCC_CHARS."""
    try:
        total = sum(map(mul, map(_USCC_VALUE.__getitem__, first17), _USCC_WEIGHTS))
    except KeyError as exc:
        raise ValueError(f"not a credit-code character: {exc.args[0]!r}") from None
    return USCC_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value):
    """18-character unified social credit code (GB 32100): format and checksum. Returns it folded to ASCII and
    upper-cased."""
    value = normalise_id_number(value)
    if len(value) != 18 or not _USCC_RE.match(value) or any(c not in USCC_CHARS for c in value):
        raise ValidationError(
            _("统一社会信用代码应为18位，由数字和大写字母组成（不含I、O、S、V、Z）"), code="uscc_format"
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(_("统一社会信用代码校验码错误"), code="uscc_checksum")
    return value


# 《关于人民法院案件案号的若干规定》: （year）court code + type code + sequence + 号.
CASE_TYPES = ("执恢", "执保", "执异", "执复", "执监", "执协", "执")  # longest first for the regex
_CASE_RE = re.compile(
    r"^（(?P<year>[0-9]{4})）(?P<court>[\u4e00-\u9fa5](?:[0-9]{2}|[0-9]{4})?)(?P<type>"
    + "|".join(CASE_TYPES)
    + r")(?P<seq>[1-9][0-9]{0,6})号$"
)


@dataclass(frozen=True)
class CaseNumber:
    year: int
    court_code: str
    type_code: str
    sequence: int

    def __str__(self):
        return format_case_number(self.year, self.court_code, self.type_code, self.sequence)


def format_case_number(year, court_code, type_code, sequence):
    return f"（{year}）{court_code}{type_code}{sequence}号"


def parse_case_number(value, check_court=True):
    """Parse `（2024）宁0105执123号` into its parts after execcenter.identifiers.normalise_case_number (so half-width
    brackets, full-width digits and stray spaces are accepted). `str()` of the result is the stored form.

    With check_court, the court code must belong to a known court. Raises ValidationError (code case_number_format,
    case_number_year, case_number_court).
    """
    value = normalise_case_number(value)
    m = _CASE_RE.match(value)
    if not m:
        raise ValidationError(
            _("案号格式错误，应为“（年份）法院代字+类型代字+序号+号”，例如（2024）宁0105执123号"),
            code="case_number_format",
        )
    year = int(m["year"])
    if not 1990 <= year <= timezone.localdate().year + 1:
        raise ValidationError(_("案号年份无效：%(year)s") % {"year": year}, code="case_number_year")
    if check_court:
        from execcenter.models import Court

        if not Court.objects.filter(code=m["court"]).exists():
            raise ValidationError(
                _("案号中的法院代字不存在：%(code)s") % {"code": m["court"]}, code="case_number_court"
            )
    return CaseNumber(year, m["court"], m["type"], int(m["seq"]))


# Fixed lines (0951-6012345), mobiles (13951000000), extensions and +86: ASCII digits and hyphens, 20 at most.
_PHONE_RE = re.compile(r"^\+?[0-9][0-9-]{4,19}$", re.ASCII)


def validate_phone(value):
    """A phone number folded to ASCII (full-width digits and spaces allowed as typed); "" stays "". Raises
    ValidationError (code phone_format) for anything else."""
    value = normalise_phone(value)
    if value and (not _PHONE_RE.match(value) or len(value) > 20):
        raise ValidationError(_("联系电话格式错误：只能包含数字和连字符（-），5至20位"), code="phone_format")
    return value


# Reports (bulletins, indicators) look back up to three years and forward a month from their day: a day near year 1
# or 9999 took that arithmetic out of the calendar (a 500). Court statistics of this system start well after 1990.
REPORT_DAYS_FROM = dt.date(1990, 1, 1)


def report_day_problem(value):
    """The message for a report day (bulletin or indicator period bound) outside 1990-01-01 … a year from today,
    or None."""
    latest = timezone.localdate() + dt.timedelta(days=366)
    if REPORT_DAYS_FROM <= value <= latest:
        return None
    return _("日期应在 %(first)s 至 %(last)s 之间 (date out of range for a report)") % {
        "first": REPORT_DAYS_FROM,
        "last": latest,
    }


def validate_report_day(value):
    problem = report_day_problem(value)
    if problem:
        raise ValidationError(problem, code="report_day_out_of_range")
