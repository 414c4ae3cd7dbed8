"""The one rounding policy for rates and money: 四舍五入 (ROUND_HALF_UP), the way the courts' statistics are written.

Decimal's default (and Python's `round()`, and `format(d, ".1f")`) round half to even: the wall showed 1 of 16 as
6.2 % while the bulletins showed 6.3 %. Every rate, ratio and amount the product shows, exports or compares is
rounded here, so the wall, the bulletins, the indicators and the documents agree to the last digit.

Shapes: numbers in are int, Decimal or str (never float: money is never a float here); numbers out are Decimal.
"""

from decimal import ROUND_HALF_UP, Decimal, localcontext

ROUNDING = ROUND_HALF_UP
CENT = Decimal("0.01")


def round_half_up(value, places=2):
    """`value` to `places` decimals, halves away from zero: 6.25 → 6.3 (1 place), 2.675 → 2.68, -0.125 → -0.13."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)


def to_cents(value):
    """An amount in yuan to the fen (2 decimals), half up."""
    return round_half_up(value, 2)


def _quotient(numerator, denominator):
    # The division itself rounds at the context's 28 digits; doing it half-up too keeps one policy end to end.
    with localcontext() as ctx:
        ctx.rounding = ROUNDING
        return Decimal(numerator) / Decimal(denominator)


def ratio(numerator, denominator, places=4):
    """numerator ÷ denominator to `places` decimals, half up; None when the denominator is zero or missing."""
    if not denominator:
        return None
    return round_half_up(_quotient(numerator, denominator), places)


def percent(numerator, denominator, places=1):
    """numerator ÷ denominator × 100 to `places` decimals, half up: percent(1, 16) == Decimal("6.3"); None when the
    denominator is zero or missing."""
    if not denominator:
        return None
    return round_half_up(_quotient(Decimal(numerator) * 100, denominator), places)
