"""Bulletins: content for a court scope and period, .xlsx and .docx files, scheduling and listing."""

import datetime as dt
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from cases.choices import ClosureType as CT
from command import indicators as ind
from command.bulletins import generate_bulletin, period_for
from command.models import Bulletin

from .conftest import D, make_case


@pytest.fixture
def book(courts, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_case("宁0105", filed=D(2023, 1, 5))  # long-pending at March 2025
    make_case("宁0105", filed=D(2024, 12, 1), closed=D(2025, 3, 10), closure=CT.COMPLETED)
    make_case("宁0424", filed=D(2023, 2, 1))  # another subtree: not in 银川's bulletin
    return courts


def test_monthly_bulletin_has_indicators_rankings_ledger_and_both_files(book, director_high):
    bulletin = generate_bulletin(book["宁01"], "monthly", ind.Period.month(2025, 3), actor=director_high.user)
    data = bulletin.data
    assert bulletin.title == f"{book['宁01'].short_name}2025年3月执行工作通报"
    assert data["long_pending"]["count"] == 1 and data["long_pending"]["rows"][0]["court"] == book["宁0105"].short_name
    actual = next(r for r in data["indicators"] if r["code"] == "actual_closure")
    assert (actual["numerator"], actual["denominator"]) == ("1", "1")
    ranked_courts = {r["court"] for r in data["rankings"][0]["rows"]}
    assert ranked_courts == {c.short_name for c in book["宁01"].children.all()}
    wb = load_workbook(BytesIO(bulletin.xlsx.read()))
    assert any("长期未结" in name for name in wb.sheetnames)
    ledger = wb[[n for n in wb.sheetnames if "长期未结" in n][0]]
    assert ledger.cell(row=4, column=2).value == book["宁0105"].short_name
    doc = Document(BytesIO(bulletin.docx.read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert bulletin.title in text and "统计期间：2025-03-01 至 2025-03-31" in text
    assert len(doc.tables) == len(wb.sheetnames)


def test_regenerating_replaces_the_same_bulletin(book):
    first = generate_bulletin(book["宁0105"], "ten_day", ind.Period.ten_day(D(2025, 3, 15)))
    second = generate_bulletin(book["宁0105"], "ten_day", ind.Period.ten_day(D(2025, 3, 15)))
    assert first.pk == second.pk and Bulletin.objects.count() == 1
    assert "中旬" in second.title


def test_scheduled_period_is_the_one_just_ended():
    assert period_for("ten_day", D(2025, 3, 11)) == ind.Period(D(2025, 3, 1), D(2025, 3, 10))
    assert period_for("ten_day", D(2025, 3, 1)) == ind.Period(D(2025, 2, 21), D(2025, 2, 28))
    assert period_for("monthly", D(2025, 1, 1)) == ind.Period(D(2024, 12, 1), D(2024, 12, 31))


def test_bulletins_listed_and_downloaded_within_scope_only(book, client, judge_xixia, judge_jingyuan):
    bulletin = generate_bulletin(book["宁0105"], "monthly", ind.Period.month(2025, 3))
    client.force_login(judge_xixia.user)
    assert bulletin.title in client.get("/command/bulletins/").content.decode()
    response = client.get(f"/command/bulletins/{bulletin.pk}/xlsx/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    client.force_login(judge_jingyuan.user)
    assert client.get(f"/command/bulletins/{bulletin.pk}/docx/").status_code == 404
    assert bulletin.title not in client.get("/command/bulletins/").content.decode()


def test_on_demand_generation_from_the_browser(book, client, director_high):
    client.force_login(director_high.user)
    response = client.post("/command/bulletins/", {"kind": "monthly", "court": book["宁"].pk, "day": "2025-03-05"})
    assert response.status_code == 302
    assert Bulletin.objects.get().period_end == dt.date(2025, 3, 31)
