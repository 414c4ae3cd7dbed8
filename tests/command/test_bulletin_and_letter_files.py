"""Bulletins and letters as issued files: issued once with a number and never rebuilt; in the .xlsx numbers are
numbers, dates are Beijing dates, no cell is a formula, sheet names are unique and headers frozen; in every
.docx each run has a Chinese font and the language is zh-CN."""

import datetime as dt
import io
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import timezone

from cases import documents as issued
from cases.choices import MoneyKind, ReceiptSource
from cases.models import IssuedDocument, MoneyEntry
from command import indicators as ind
from command import services
from command.bulletins import bulletin_document, generate_bulletin
from command.choices import OperationStatus
from command.letter_files import letter_document
from command.models import Operation
from execcenter.exceptions import RuleViolation
from tests.docx_checks import assert_chinese_docx, docx_text

from .conftest import D, make_case

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def book(courts):
    make_case("宁0105", filed=D(2023, 1, 5))
    late = make_case("宁0105", filed=D(2024, 12, 1))
    # Received 2025-02-01 02:30 in Beijing = 2025-01-31 18:30 UTC: the file must say 2025-02-01.
    MoneyEntry.objects.create(
        case=late,
        kind=MoneyKind.RECEIPT,
        source=ReceiptSource.VOLUNTARY,
        amount=Decimal("1234.50"),
        occurred_at=dt.datetime(2025, 2, 1, 2, 30, tzinfo=BEIJING),
        payout_due=D(2025, 3, 3),
    )
    op = Operation.objects.create(
        name='=HYPERLINK("http://evil.example/","点击")',
        court=courts["宁0105"],
        starts_at=dt.datetime(2025, 3, 5, 1, 0, tzinfo=BEIJING),
        ends_at=dt.datetime(2025, 3, 6, 1, 0, tzinfo=BEIJING),
        status=OperationStatus.ENDED,
    )
    op.courts.set([courts["宁0105"]])
    return courts


def _workbook(bulletin):
    return openpyxl.load_workbook(io.BytesIO(issued.read(bulletin_document(bulletin, "xlsx"))))


def _raw_sheets(content):
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return {n: zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/")}


def test_bulletin_is_issued_once_numbered_and_never_rebuilt(book, director_high):
    period = ind.Period.month(2025, 3)
    bulletin = generate_bulletin(book["宁0105"], "monthly", period, actor=director_high.user)
    year = timezone.localdate().year
    docs = list(IssuedDocument.objects.filter(source_type="command.bulletin", source_id=str(bulletin.pk)))
    assert len(docs) == 2 and {d.number for d in docs} == {f"（{year}）宁0105执通1号"}
    before = {d.content_type: issued.read(d) for d in docs}
    make_case("宁0105", filed=D(2023, 6, 1))  # the figures move; the issued bulletin does not
    again = generate_bulletin(book["宁0105"], "monthly", period, actor=director_high.user)
    assert again.pk == bulletin.pk and {d.content_type: issued.read(d) for d in again_docs(again)} == before
    assert bulletin.xlsx.name == bulletin_document(bulletin, "xlsx").file.name  # the issued file, not a copy
    second = generate_bulletin(book["宁0105"], "ten_day", ind.Period.ten_day(D(2025, 3, 15)))
    assert bulletin_document(second, "docx").number == f"（{year}）宁0105执调1号"
    with pytest.raises(RuleViolation):
        generate_bulletin(book["宁0105"], "monthly", ind.Period.month(year + 1, 1))


def again_docs(bulletin):
    return IssuedDocument.objects.filter(source_type="command.bulletin", source_id=str(bulletin.pk))


def test_bulletin_workbook_numbers_dates_names_frozen_headers_and_no_formulas(book, director_high):
    bulletin = generate_bulletin(book["宁01"], "monthly", ind.Period.month(2025, 3), actor=director_high.user)
    content = issued.read(bulletin_document(bulletin, "xlsx"))
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert len({n.casefold() for n in wb.sheetnames}) == len(wb.sheetnames) == len(wb.sheetnames)
    assert sum(1 for n in wb.sheetnames if n.startswith("排名")) == 4  # four rankings, four distinct names
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A4"  # title, heading and the header row stay on screen
        assert ws.column_dimensions["A"].width >= 8
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    for xml in _raw_sheets(content).values():
        assert "<f>" not in xml and "<f " not in xml
    ledger = wb[next(n for n in wb.sheetnames if "长期未结" in n)]
    first = [c.value for c in ledger[4]]
    assert isinstance(first[2], dt.datetime) and first[2].date() == D(2023, 1, 5) and isinstance(first[3], int)
    assert isinstance(first[6], (int, float)) and ledger.cell(row=4, column=7).number_format == "#,##0.00"
    payouts = wb[next(n for n in wb.sheetnames if "逾期未发放" in n)]
    row = [c.value for c in payouts[4]]
    assert row[2].date() == D(2025, 2, 1) and row[4] == 1234.5  # the Beijing date, the amount as a number
    operations = wb[next(n for n in wb.sheetnames if "集中执行" in n)]
    name_cell = operations.cell(row=4, column=1)
    assert name_cell.value.startswith("=HYPERLINK") and name_cell.data_type == "s" and name_cell.quotePrefix
    indicators = wb[wb.sheetnames[0]]
    assert all(isinstance(c.value, (int, float)) for c in indicators["B"][3:] if c.value not in (None, "—"))


def test_every_docx_the_product_writes_has_chinese_fonts_on_every_run(book, director_high, judge_xixia):
    bulletin = generate_bulletin(book["宁01"], "monthly", ind.Period.month(2025, 3), actor=director_high.user)
    content = issued.read(bulletin_document(bulletin, "docx"))
    assert_chinese_docx(content)  # tables included: the cells were the runs without a font
    assert "=HYPERLINK" in docx_text(content)
    unit = services.register_unit(name="镇北堡镇", kind="township", court=book["宁0105"])
    case = make_case("宁0105")
    letter = services.send_letter(
        judge_xixia.user,
        case,
        unit,
        subject="查询户籍",
        request_text="请协助查询被执行人户籍\n及婚姻状况",
        due_on=timezone.localdate() + dt.timedelta(days=10),
    )
    document = letter_document(letter)
    assert document.number == letter.number and document.case_id == case.pk and document.issued_by_label == "张伟"
    letter_bytes = issued.read(document)
    assert_chinese_docx(letter_bytes)
    text = docx_text(letter_bytes)
    assert "镇北堡镇：" in text and case.number in text and "查询户籍" in text and "承办人　张伟" in text
