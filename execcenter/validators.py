"""Validators for identity numbers and case numbers, each refusing with a clear Chinese message."""
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 11643-1999: 17 digits weighted, mod 11 gives the check character.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[1-9]\d{16}[\dX]$")


def resident_id_check_char(first17):
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS)) % 11]


def validate_resident_id(value):
    """18-digit resident identity number (GB 11643): format, birth date, checksum. Returns it upper-cased."""
    value = (value or "").strip().upper()
    if not _ID_RE.match(value):
        raise ValidationError(_("身份证号码应为18位：17位数字加1位校验码（数字或X）"), code="id_format")
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期无效"), code="id_birth_date") from None
    if born > dt.date.today() or born.year < 1900:
        raise ValidationError(_("身份证号码中的出生日期无效"), code="id_birth_date")
    if resident_id_check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号码校验码错误"), code="id_checksum")
    return value


# GB 32100-2015: 31-character alphabet without I, O, S, V, Z; weights 3^i mod 31.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[1-9A-GY][1-9A-Z]\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_check_char(first17):
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value):
    """18-character unified social credit code (GB 32100): format and checksum. Returns it upper-cased."""
    value = (value or "").strip().upper()
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
    r"^[（(](?P<year>\d{4})[）)](?P<court>[\u4e00-\u9fa5](?:\d{2}|\d{4})?)(?P<type>"
    + "|".join(CASE_TYPES)
    + r")(?P<seq>[1-9]\d{0,6})号$"
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
    """Parse `（2024）宁0105执123号` (half-width brackets accepted) into its parts.

    With check_court, the court code must belong to a known court.
    """
    value = (value or "").strip().replace(" ", "")
    m = _CASE_RE.match(value)
    if not m:
        raise ValidationError(
            _("案号格式错误，应为“（年份）法院代字+类型代字+序号+号”，例如（2024）宁0105执123号"), code="case_number_format"
        )
    year = int(m["year"])
    if not 1990 <= year <= dt.date.today().year + 1:
        raise ValidationError(_("案号年份无效：%(year)s") % {"year": year}, code="case_number_year")
    if check_court:
        from execcenter.models import Court

        if not Court.objects.filter(code=m["court"]).exists():
            raise ValidationError(_("案号中的法院代字不存在：%(code)s") % {"code": m["court"]}, code="case_number_court")
    return CaseNumber(year, m["court"], m["type"], int(m["seq"]))
