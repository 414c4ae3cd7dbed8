"""Money that arrives: the bank statement import (cases.statements) and matching unclaimed money in the browser."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import deadlines, money, statements
from cases.models import BankStatementImport, Case, MoneyEntry, UnclaimedReceipt
from execcenter.exceptions import DomainError, PermissionDenied
from execcenter.models import AuditLog
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

HEADER = "日期,金额,付款人,附言\n"


@pytest.fixture
def xixia(courts):
    return courts["宁0105"]


@pytest.fixture
def two_cases(xixia):
    return CaseFactory(court=xixia), CaseFactory(court=xixia)


def days_ago(n):
    return (timezone.localdate() - dt.timedelta(days=n)).isoformat()


def csv_of(*lines, header=HEADER):
    return (header + "".join(line + "\n" for line in lines)).encode("utf-8")


def test_lines_quoting_a_case_number_are_booked_with_their_arrival_date_and_the_rest_parked(
    judge_xixia, xixia, two_cases
):
    a, b = two_cases
    content = csv_of(
        f'{days_ago(10)},"12,000.50",宁夏某建材公司,{a.number}执行款',
        # Half-width brackets, no 号, full-width digits: still case b's reference.
        f'{days_ago(3)},800,张三,"代付 ({b.year}){b.court.code}执{str(b.sequence).translate(str.maketrans("0123456789", "０１２３４５６７８９"))}"',
        f"{days_ago(2)},500.00,李四,还款",
    )
    run = statements.import_statement(judge_xixia.user, xixia, content, "0301.csv")
    assert (run.lines, run.booked, run.parked, run.duplicates) == (3, 2, 1, 0)
    assert (run.booked_amount, run.parked_amount) == (Decimal("12800.50"), Decimal("500.00"))
    entry = MoneyEntry.objects.get(case=a)
    arrived = timezone.localdate() - dt.timedelta(days=10)
    assert entry.amount == Decimal("12000.50") and timezone.localdate(entry.occurred_at) == arrived
    assert entry.payout_due == deadlines.payout_due(arrived)  # the 30-day clock runs from the real arrival
    assert Case.objects.get(pk=a.pk).recovered_amount == Decimal("12000.50")
    assert MoneyEntry.objects.get(case=b).amount == Decimal("800.00")
    parked = UnclaimedReceipt.objects.get()
    assert (parked.payer_name, parked.remark, parked.amount, parked.statement_id) == (
        "李四",
        "还款",
        Decimal("500.00"),
        run.pk,
    )
    assert [r["outcome"] for r in run.report] == ["booked", "booked", "parked"]
    assert AuditLog.objects.filter(action="money.statement_import", object_id=str(run.pk)).exists()


def test_reimporting_a_statement_books_nothing_twice_even_after_matching(judge_xixia, xixia, two_cases):
    a, b = two_cases
    content = csv_of(
        f"{days_ago(5)},100.00,甲,{a.number}",
        f"{days_ago(5)},100.00,甲,{a.number}",  # two equal payments
        f"{days_ago(4)},70.00,乙,无附言",
    )
    first = statements.import_statement(judge_xixia.user, xixia, content, "s.csv")
    assert (first.booked, first.parked) == (2, 1)
    money.match_unclaimed(UnclaimedReceipt.objects.get(), b, actor=judge_xixia.user)
    state = (MoneyEntry.objects.count(), UnclaimedReceipt.objects.count(), Case.objects.get(pk=a.pk).recovered_amount)
    again = statements.import_statement(judge_xixia.user, xixia, content, "s.csv")
    assert (again.booked, again.parked, again.duplicates) == (0, 0, 3)
    assert (
        MoneyEntry.objects.count(),
        UnclaimedReceipt.objects.count(),
        Case.objects.get(pk=a.pk).recovered_amount,
    ) == state
    # An overlapping statement: the old lines are duplicates, the new one is booked.
    overlap = csv_of(f"{days_ago(4)},70.00,乙,无附言", f"{days_ago(1)},30.00,丙,{a.number}")
    run = statements.import_statement(judge_xixia.user, xixia, overlap, "s2.csv")
    assert (run.booked, run.duplicates) == (1, 1)


def test_a_transaction_id_column_identifies_lines(judge_xixia, xixia, two_cases):
    a, _b = two_cases
    header = "交易流水号,到账日期,交易金额,对方户名,摘要\n"
    statements.import_statement(
        judge_xixia.user, xixia, csv_of(f"T001,{days_ago(2)},50,甲,{a.number}", header=header), "a.csv"
    )
    # The same payment again with a different remark is still the same transaction.
    run = statements.import_statement(
        judge_xixia.user,
        xixia,
        csv_of(f"T001,{days_ago(2)},50,甲,{a.number} 已核", f"T002,{days_ago(2)},50,甲,{a.number}", header=header),
        "b.csv",
    )
    assert (run.booked, run.duplicates) == (1, 1)
    assert MoneyEntry.objects.filter(case=a).count() == 2


def test_a_bad_file_is_refused_line_by_line_and_nothing_is_imported(judge_xixia, xixia, two_cases):
    a, _b = two_cases
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    content = csv_of(
        f"{days_ago(1)},100.00,甲,{a.number}",  # good, yet not imported
        "2024-13-45,100.00,乙,x",
        f"{days_ago(1)},-5.00,丙,x",
        f"{days_ago(1)},1.005,丁,x",
        f"{tomorrow},10,戊,x",
        f"{days_ago(1)},10,,x",
        f"{days_ago(1)},abc,己,x",
    )
    with pytest.raises(statements.StatementRejected) as exc:
        statements.import_statement(judge_xixia.user, xixia, content, "bad.csv")
    assert exc.value.status == 400
    assert [e["line"] for e in exc.value.details["lines"]] == [3, 4, 5, 6, 7, 8]
    assert "日期格式" in exc.value.details["lines"][0]["error"] and "两位小数" in exc.value.details["lines"][2]["error"]
    assert not (
        MoneyEntry.objects.exists() or UnclaimedReceipt.objects.exists() or BankStatementImport.objects.exists()
    )


@pytest.mark.parametrize(
    "content, line",
    [
        (b"date,amount\n2024-01-01,5\n", 1),  # columns missing
        (b"PK\x03\x04 not really a workbook", 0),
        (HEADER.encode(), 0),  # no lines
    ],
)
def test_files_that_are_not_statements_are_refused(judge_xixia, xixia, content, line):
    with pytest.raises(statements.StatementRejected) as exc:
        statements.import_statement(judge_xixia.user, xixia, content, "x.csv")
    assert exc.value.details["lines"][0]["line"] == line
    assert not BankStatementImport.objects.exists()


def test_xlsx_and_gbk_csv_are_read(judge_xixia, xixia, two_cases):
    from openpyxl import Workbook

    a, b = two_cases
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "金额", "付款人", "附言"])
    sheet.append(
        [dt.datetime.combine(timezone.localdate() - dt.timedelta(days=6), dt.time(9, 30)), 2500.5, "甲公司", a.number]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    run = statements.import_statement(judge_xixia.user, xixia, buffer.getvalue(), "stmt.xlsx")
    assert run.booked == 1 and MoneyEntry.objects.get(case=a).amount == Decimal("2500.50")
    gbk = (HEADER + f"{days_ago(1)},10.00,王五,{b.number}\n").encode("gb18030")
    assert statements.import_statement(judge_xixia.user, xixia, gbk, "gbk.csv").booked == 1


def test_a_case_of_another_court_is_not_booked_into_this_courts_account(judge_xixia, xixia, courts):
    other = CaseFactory(court=courts["宁0424"])
    run = statements.import_statement(judge_xixia.user, xixia, csv_of(f"{days_ago(1)},10,甲,{other.number}"), "x.csv")
    assert (run.booked, run.parked) == (0, 1) and not MoneyEntry.objects.exists()


def test_only_money_roles_import_into_courts_in_their_scope(judge_jingyuan, duty_yinchuan, xixia):
    content = csv_of(f"{days_ago(1)},10,甲,x")
    with pytest.raises(DomainError) as exc:
        statements.import_statement(judge_jingyuan.user, xixia, content, "x.csv")
    assert exc.value.status == 404
    with pytest.raises(PermissionDenied):
        statements.import_statement(duty_yinchuan.user, xixia, content, "x.csv")
    assert not BankStatementImport.objects.exists()


def test_matching_unclaimed_money_books_it_with_its_arrival_date_once(judge_xixia, judge_jingyuan, xixia, two_cases):
    a, _b = two_cases
    statements.import_statement(judge_xixia.user, xixia, csv_of(f"{days_ago(20)},300,甲,不明"), "x.csv")
    receipt = UnclaimedReceipt.objects.get()
    with pytest.raises(DomainError) as exc:
        money.match_unclaimed(receipt, a, actor=judge_jingyuan.user)
    assert exc.value.status == 404
    entry = money.match_unclaimed(receipt, a, actor=judge_xixia.user)
    assert entry.payout_due == deadlines.payout_due(timezone.localdate() - dt.timedelta(days=20))
    with pytest.raises(DomainError) as again:
        money.match_unclaimed(receipt, a, actor=judge_xixia.user)
    assert again.value.code == "already_matched" and MoneyEntry.objects.count() == 1


def test_the_browser_imports_shows_bad_lines_next_to_the_form_and_matches_unclaimed_money(
    client, judge_xixia, xixia, two_cases
):
    a, b = two_cases
    client.force_login(judge_xixia.user)
    url = reverse("cases:statements")
    assert "对账单文件" in client.get(url).content.decode()
    bad = SimpleUploadedFile("bad.csv", csv_of(f"{days_ago(1)},10,甲,{a.number}", "x,10,乙,y"))
    page = client.post(url, {"court": xixia.pk, "file": bad})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="statement-errors"' in html and "<td>3</td>" in html and "日期格式无法识别" in html
    assert not MoneyEntry.objects.exists()
    wrong_type = client.post(url, {"court": xixia.pk, "file": SimpleUploadedFile("s.pdf", b"%PDF")})
    assert wrong_type.status_code == 400 and "只接受" in wrong_type.content.decode()
    good = SimpleUploadedFile("good.csv", csv_of(f"{days_ago(1)},10,甲,{a.number}", f"{days_ago(1)},20,乙,请法院查收"))
    response = client.post(url, {"court": xixia.pk, "file": good})
    run = BankStatementImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:statement-detail", args=[run.pk])
    assert "已入案款账户" in client.get(response["Location"]).content.decode()
    receipt = UnclaimedReceipt.objects.get()
    listing = client.get(reverse("cases:unclaimed")).content.decode()
    assert "请法院查收" in listing
    refused = client.post(
        reverse("cases:unclaimed"), {"receipt": receipt.pk, f"m{receipt.pk}-case_number": "（2020）宁0105执999号"}
    )
    assert refused.status_code == 400 and "未找到该案号的案件" in refused.content.decode()
    done = client.post(reverse("cases:unclaimed"), {"receipt": receipt.pk, f"m{receipt.pk}-case_number": b.number})
    assert done.status_code == 302
    assert MoneyEntry.objects.get(case=b).amount == Decimal("20.00")
