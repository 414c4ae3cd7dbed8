"""The one spreadsheet writer: typed cells, Beijing dates, no formulas from data, legal unique sheet names,
frozen headers, widths for Chinese; CSV with the same guarantees; the .xlsx streams in chunks."""

import datetime as dt
import io
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from execcenter import spreadsheets as ss

BEIJING = ZoneInfo("Asia/Shanghai")
DANGEROUS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1+1"]


def _book(sheets):
    return openpyxl.load_workbook(io.BytesIO(ss.xlsx_bytes(sheets)))


def _raw(content):
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/"))


def test_numbers_are_numbers_with_formats_and_dates_are_beijing_dates():
    # 2026-03-01 18:30 UTC is 2026-03-02 02:30 in Beijing: the day a Chinese reader expects.
    at = dt.datetime(2026, 3, 1, 18, 30, tzinfo=dt.UTC)
    cols = [
        ss.Column("金额", ss.MONEY),
        ss.Column("件数", ss.INT),
        ss.Column("日期", ss.DATE),
        ss.Column("时间", ss.DATETIME),
        ss.Column("比率", ss.PERCENT),
    ]
    ws = _book([ss.Sheet("表", cols, [[Decimal("1234.50"), 7, at, at, Decimal("0.905")]])]).active
    money, count, day, moment, rate = (c for c in ws[2])
    assert (money.value, money.data_type, money.number_format) == (1234.5, "n", "#,##0.00")
    assert (count.value, count.number_format) == (7, "0")
    assert day.value.date() == dt.date(2026, 3, 2) and day.number_format == "yyyy-mm-dd"
    assert moment.value == dt.datetime(2026, 3, 2, 2, 30) and moment.number_format == "yyyy-mm-dd hh:mm:ss"
    assert rate.number_format == "0.00%"


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_excel_would_take_for_a_formula_stays_text(text):
    content = ss.xlsx_bytes([ss.Sheet("表", [ss.Column("名称")], [[text]])])
    cell = openpyxl.load_workbook(io.BytesIO(content)).active["A2"]
    assert cell.data_type == "s" and cell.quotePrefix and cell.value.lstrip("\t\r") == text.lstrip("\t\r")
    assert "<f>" not in _raw(content) and "<f " not in _raw(content)
    csv_line = ss.csv_text(ss.Sheet("表", [ss.Column("名称")], [[text]])).splitlines()[1]
    assert csv_line.lstrip('"').startswith("'")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=6))
def test_no_text_ever_becomes_a_formula_and_illegal_characters_never_break_the_file(texts):
    content = ss.xlsx_bytes([ss.Sheet("表", [ss.Column(f"列{i}") for i in range(len(texts))], [texts])])
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    for cell in ws[2]:
        assert cell.data_type in ("s", "n")  # "n" only for an empty cell
        if isinstance(cell.value, str) and cell.value.startswith(ss.FORMULA_TRIGGERS):
            assert cell.quotePrefix


def test_sheet_names_are_legal_and_unique():
    names = ss.unique_sheet_names(["排名：执结率", "排名：执结率", "a/b[c]*?", "X" * 40, "x" * 40, ""])
    assert len({n.casefold() for n in names}) == len(names)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert names[0] == "排名：执结率" and names[1] == "排名：执结率（2）"
    wb = _book([ss.Sheet("重复", [ss.Column("a")], [[1]]), ss.Sheet("重复", [ss.Column("a")], [[2]])])
    assert wb.sheetnames == ["重复", "重复（2）"]


def test_header_is_frozen_filtered_and_columns_fit_chinese_text():
    ws = _book(
        [
            ss.Sheet(
                "表",
                [ss.Column("被执行人名称"), ss.Column("n", ss.INT)],
                [["宁夏某某建设工程有限公司", 1]] * 3,
                preamble=["标题"],
            )
        ]
    ).active
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:B5"
    assert ws.column_dimensions["A"].width >= ss.display_width("宁夏某某建设工程有限公司") == 24
    assert ws["A2"].font.b


def test_the_workbook_streams_in_chunks_while_rows_are_produced():
    produced = []

    def rows():
        for i in range(30000):
            produced.append(i)
            yield [f"第{i}行", i, Decimal(i) / 100]

    stream = ss.iter_xlsx(
        [ss.Sheet("大表", [ss.Column("名称"), ss.Column("序号", ss.INT), ss.Column("金额", ss.MONEY)], rows())]
    )
    first = next(stream)
    assert first[:2] == b"PK"
    seen_before_end = []
    chunks = [first]
    for chunk in stream:
        chunks.append(chunk)
        seen_before_end.append(len(produced))
    assert len(chunks) > 3 and min(n for n in seen_before_end if n) < 30000  # bytes left before the last row was made
    assert max(len(c) for c in chunks) < 1024 * 1024
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(chunks)), read_only=True).active
    assert sum(1 for _ in ws.iter_rows(values_only=True)) == 30001


def test_every_spreadsheet_and_word_file_is_written_by_the_shared_modules():
    """One writer for all: product code builds no Workbook, docx Document or csv.writer of its own (reading is fine)."""
    import re
    from pathlib import Path

    from django.conf import settings as django_settings

    root = Path(django_settings.BASE_DIR)
    writers = {root / "execcenter" / "spreadsheets.py", root / "execcenter" / "docx_layout.py"}
    pattern = re.compile(
        r"\bWorkbook\(|\bxlsxwriter\b|docx\.Document\(|^\s*from docx import Document|\bcsv\.(writer|DictWriter)\(", re.M
    )
    offenders = []
    for path in root.glob("*/**/*.py"):
        parts = path.relative_to(root).parts
        if parts[0] in {".venv", "tests", "bench", "scripts", "var", "node_modules"} or path in writers:
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
