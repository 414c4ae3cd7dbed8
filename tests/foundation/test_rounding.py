"""Issue 13.6: one rounding policy for rates and money, 四舍五入 (ROUND_HALF_UP), in one module.

The issue's example: 1 of 16 showed as 6.2 % on the wall (half to even) and 6.3 % in the bulletins (half up). Ours:
1 of 32 at two places (3.125 → 3.13), 1 of 8 queries answered (12.5 → 13 %), an average of 2.25 cases per judge, an
amount of 2.675 yuan and a negative half fen; and a source scan that fails when rounding happens outside the module.
"""

import ast
import pathlib
from decimal import Decimal

import pytest

from command import indicators as ind
from dashboards.registry import money, rate
from execcenter.rounding import percent, ratio, round_half_up, to_cents
from querycontrol.models import QueryRequest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "numerator, denominator, places, expected",
    [
        (1, 16, 1, "6.3"),  # the example
        (1, 32, 2, "3.13"),
        (1, 8, 0, "13"),
        (3, 8, 1, "37.5"),
        (2, 3, 1, "66.7"),
        (0, 5, 1, "0.0"),
    ],
)
def test_percent_rounds_half_up(numerator, denominator, places, expected):
    assert percent(numerator, denominator, places) == Decimal(expected)


def test_zero_denominator_has_no_rate():
    assert percent(3, 0) is None and ratio(3, None) is None and rate(1, 0) is None


@pytest.mark.parametrize(
    "value, places, expected",
    [
        ("2.675", 2, "2.68"),
        ("-0.125", 2, "-0.13"),
        ("0.005", 2, "0.01"),
        ("2.25", 1, "2.3"),
        ("2.35", 1, "2.4"),
        ("7", 2, "7.00"),
    ],
)
def test_round_half_up_away_from_zero(value, places, expected):
    assert round_half_up(Decimal(value), places) == Decimal(expected)
    assert str(round_half_up(value, places)) == expected


def test_the_wall_the_indicators_and_the_query_progress_use_the_same_policy():
    assert rate(1, 16) == "6.3"  # the wall's rate (was "6.2")
    assert money(Decimal("0.005")) == "0.01" and money(Decimal("2.675")) == "2.68" and money(None) == "0.00"
    pct = ind.Indicator("x", "x", ind.PCT, build=None)
    days = ind.Indicator("y", "y", "天", build=None)
    assert ind._value(pct, Decimal(1), Decimal(32)) == Decimal("3.13")  # what the bulletins and modules 30–34 show
    assert ind._value(days, Decimal(9), Decimal(4)) == Decimal("2.3")  # 2.25 days
    assert QueryRequest(total=8, done=1).percent == 13  # was round(12.5) == 12
    assert to_cents("1234.565") == Decimal("1234.57")
    assert ratio(1, 32, 4) == Decimal("0.0313")


ALLOWED = {
    # The bank simulator stands for other institutions' systems; it rounds as they do.
    "simulator",
}
# Builtin round() is looked for where figures are computed; elsewhere (execcenter's health checks, snapshot timings,
# spreadsheet day fractions) it rounds seconds, not money or rates. Decimal.quantize is looked for everywhere.
FIGURES = ("cases", "command", "dashboards/modules", "querycontrol", "workbench")
NOT_MONEY_OR_RATES = {  # (file, call)
    ("cases/demo_bulk.py", "round(claim * random_() * 0.3)"),  # a random demo amount in whole yuan from a float
    ("cases/demo_bulk.py", "round(claim * random_() * 0.6)"),
}


def rounding_outside_the_module(source, name="<source>", figures=True):
    """`.quantize(...)` without an explicit rounding= and (where `figures`) `round(...)` round by another policy."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        if figures and isinstance(node.func, ast.Name) and node.func.id == "round":
            found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "quantize"
            and len(node.args) < 2
            and not any(k.arg == "rounding" for k in node.keywords)
        ):
            found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_scan_finds_each_way_of_rounding_by_another_policy():
    assert len(rounding_outside_the_module("round(x / y, 1)\nd.quantize(Decimal('0.01'))\n")) == 2
    assert rounding_outside_the_module("round_half_up(x, 1)\nd.quantize(CENT, rounding=ROUND_HALF_UP)\n") == []


def test_no_product_code_rounds_outside_the_rounding_module():
    product = [
        p
        for p in ROOT.glob("*/**/*.py")
        if p.parts[len(ROOT.parts)] not in {"tests", "bench", "scripts", ".venv", *ALLOWED}
        and "migrations" not in p.parts
        and p != ROOT / "execcenter" / "rounding.py"
    ]
    assert len(product) > 100
    found = [
        hit
        for path in product
        for hit in rounding_outside_the_module(
            path.read_text(encoding="utf-8"),
            path.relative_to(ROOT),
            figures=str(path.relative_to(ROOT)).startswith(FIGURES),
        )
    ]
    found = [hit for hit in found if (hit.split(":")[0], hit.split(": ", 1)[1]) not in NOT_MONEY_OR_RATES]
    assert found == []
