"""Document numbers of rulings and assistance notices: the case number with a serial suffix,
（2024）宁0105执123号之一, 之二, … — one series per case, as court rulings in one case are numbered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from querycontrol.models import ControlOrder

if TYPE_CHECKING:
    from cases.models import Case

DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五, 105 → 一百零五 (enough for the orders of one case)."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = (
        ""
        if rest == 0
        else (
            "零" + DIGITS[rest] if rest < 10 else (DIGITS[rest // 10] + "十" + (DIGITS[rest % 10] if rest % 10 else ""))
        )
    )
    return DIGITS[n // 100] + "百" + tail


def next_document_no(case: Case) -> str:
    """Call with the case row locked (select_for_update), so two approvals never share a number."""
    used = ControlOrder.objects.filter(case=case).exclude(document_no="").count()
    return f"{case.number}之{chinese_number(used + 1)}"
