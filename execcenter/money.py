"""Money, one way everywhere: the field, the parser, the totals and the formatting (元 / 万元).

Amounts are Decimal yuan with 2 decimals (to the fen), never float. Before this module the same amount was parsed four
ways (one refused 3 decimals, one rounded them away silently, one answered 500 on "1,000"), and on SQLite, which stores
decimals as REAL, `Sum("amount")` was a float sum the screen printed as `212710879.120000010` with no unit.

- MoneyField / MONEY: the model and form field shape (16 digits, 2 decimals).
- parse_amount: text as people type it (full-width digits, thousands separators, a trailing 元) → Decimal, or a
  ValidationError in Chinese and English: more than 2 decimals is refused, never rounded away.
- MoneySum: Σ of an amount as Decimal to the fen on every backend (exact whole-fen integers in SQL).
- format_yuan / format_wan: "1,234.50元", "21,271.09万元"; rounding is execcenter.rounding's 四舍五入.
"""

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Sum
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from .identifiers import fold
from .rounding import CENT, round_half_up, to_cents

MAX_DIGITS, DECIMAL_PLACES = 16, 2
MONEY = {"max_digits": MAX_DIGITS, "decimal_places": DECIMAL_PLACES}
ZERO = Decimal("0.00")
WAN, YI = Decimal(10_000), Decimal(100_000_000)
_UNITS = ("人民币", "元", "¥", "￥", "RMB", "CNY")


class MoneyField(models.DecimalField):
    """A DecimalField of yuan to the fen. Deconstructs as a plain DecimalField, so adopting it needs no migration."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs

    def formfield(self, **kwargs):
        # Zero is a valid stored amount (costs, paid out so far); whether an operation may take zero is the service's rule.
        return super().formfield(**{"form_class": MoneyFormField, "allow_zero": True, **kwargs})


def parse_amount(value, *, allow_zero=False, allow_negative=False):
    """An amount in yuan as typed or sent → Decimal with 2 decimals.

    Accepts Decimal, int, str ("1234.5", "１，２３４.５０", "1 234.50元", "¥1,234.50") and a JSON number (a float is
    read through its shortest decimal text: 0.1 → 0.10, never its binary expansion); refuses text that is not a
    number, more than 2 decimals (never rounded away), more than 14 digits before the point, zero unless
    `allow_zero`, and negatives unless `allow_negative`. Raises ValidationError with code amount_invalid /
    amount_precision / amount_too_large / amount_not_positive / amount_negative.
    """
    if isinstance(value, bool) or value is None:
        raise ValidationError(_("金额格式错误：%(v)s (not an amount)") % {"v": value}, code="amount_invalid")
    text = fold(repr(value) if isinstance(value, float) else value)
    for unit in _UNITS:
        text = text.removeprefix(unit).removesuffix(unit)
    text = text.replace(",", "")  # NFKC made "，" a comma too
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("金额格式错误：%(v)s (not an amount)") % {"v": str(value)[:40]}, code="amount_invalid"
        ) from None
    if not amount.is_finite():
        raise ValidationError(_("金额格式错误：%(v)s (not an amount)") % {"v": str(value)[:40]}, code="amount_invalid")
    # Size first: quantizing 1E+100000 to the fen would overflow the decimal context.
    if abs(amount) >= Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES):
        raise ValidationError(_("金额过大 (amount too large)"), code="amount_too_large")
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):
        raise ValidationError(_("金额最多保留两位小数（到分） (at most 2 decimals)"), code="amount_precision")
    amount = to_cents(amount)  # exact here: 2 decimals at most were checked above
    if amount < 0 and not allow_negative:
        raise ValidationError(_("金额不能为负数 (amount must not be negative)"), code="amount_negative")
    if amount == 0 and not allow_zero:
        raise ValidationError(_("金额应大于零 (amount must be positive)"), code="amount_not_positive")
    return amount


def require_amount(value, **kwargs):
    """parse_amount for services: the same refusals as a RuleViolation (400, same code), nothing changed."""
    from .exceptions import RuleViolation

    try:
        return parse_amount(value, **kwargs)
    except ValidationError as exc:
        raise RuleViolation(exc.messages[0], code=exc.code) from None


class MoneyFormField(forms.CharField):
    """A form field for an amount in yuan, parsed by parse_amount (so forms, the API and services agree)."""

    def __init__(self, *, allow_zero=False, allow_negative=False, max_digits=None, decimal_places=None, **kwargs):
        self.allow_zero, self.allow_negative = allow_zero, allow_negative
        for unused in ("min_value", "max_value", "localize"):
            kwargs.pop(unused, None)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_amount(value, allow_zero=self.allow_zero, allow_negative=self.allow_negative)

    def prepare_value(self, value):
        return str(value) if isinstance(value, Decimal) else value


class MoneySum(Sum):
    """Σ of an amount in yuan, as Decimal to the fen on every backend; None over no rows (like Sum).

    PostgreSQL adds numeric exactly. SQLite keeps decimals as REAL, so there each amount becomes whole fen first
    (ROUND(x × 100): exact integers up to 2**53 fen) and the total is divided back to yuan in Python, so a million
    rows add up to the fen with no float noise. `expression` is a field name or an expression of yuan
    (e.g. F("amount") - F("paid_out_amount")).
    """

    def __init__(self, expression, **extra):
        expression = F(expression) if isinstance(expression, str) else expression
        super().__init__(
            expression, output_field=models.DecimalField(max_digits=22, decimal_places=DECIMAL_PLACES), **extra
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        fen = self.copy()
        source, *rest = fen.get_source_expressions()  # the amount, then the aggregate's filter and ordering
        fen.set_source_expressions([Round(source * 100), *rest])
        return super(MoneySum, fen).as_sqlite(compiler, connection, **extra_context)

    def get_db_converters(self, connection):
        return [*super().get_db_converters(connection), _fen_to_yuan if connection.vendor == "sqlite" else _to_cents]


def _fen_to_yuan(value, expression, connection):
    return None if value is None else to_cents(Decimal(value) / 100)


def _to_cents(value, expression, connection):
    return None if value is None else to_cents(value)


def as_money(value):
    """An aggregate or stored amount → Decimal yuan to the fen (None → 0.00); float input is taken at its decimal
    repr, never its binary expansion."""
    if value is None:
        return ZERO
    return to_cents(Decimal(str(value)) if isinstance(value, float) else value)


def format_yuan(value, unit=True):
    """1234.5 → "1,234.50元" (or "1,234.50" without the unit); 四舍五入 to the fen."""
    text = f"{as_money(value):,}"
    return f"{text}元" if unit else text


def format_wan(value, places=2, unit=True):
    """212710879.12 → "21,271.09万元": yuan in units of 10,000, `places` decimals, 四舍五入."""
    text = f"{round_half_up(as_money(value) / WAN, places):,}"
    return f"{text}万元" if unit else text


def screen_figure(value):
    """An amount as the big screen shows it before its 元 label: "12.35亿" from 1,234,567,890.12 (2 decimals),
    "1.5万" from 14,999.99 (1 decimal), "998.50" below 10,000; 四舍五入 on the server (the browser's toFixed rounds
    the binary float: 1.45 became "1.4")."""
    amount = as_money(value)
    if abs(amount) >= YI:
        return f"{round_half_up(amount / YI, 2)}亿"
    if abs(amount) >= WAN:
        return f"{round_half_up(amount / WAN, 1)}万"
    return str(amount)
