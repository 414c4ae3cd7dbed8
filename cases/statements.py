"""Money that arrives: importing the court account's bank statement (一案一账户, 法发〔2017〕6号).

A statement is a CSV or XLSX file of the court's account with one receipt per line: date (到账日期), amount (金额),
payer (付款人) and reference (附言); an optional transaction id column (流水号) identifies a line when the bank
gives one. Each line whose reference names a case of the court (its case number, the case account reference
payers are told to quote) is booked into that case's account with its real arrival time, so the 30-day payout
clock runs from the day the money came; every other line is parked as unclaimed money (不明款) to be matched
by a person (cases.money.match_unclaimed).

All or nothing: every line is checked first, and a file with any bad line is refused with one message per bad
line and changes nothing. Re-importing a statement (or an overlapping one) books nothing twice: each line has
a key (the bank's transaction id, or the line's content and its occurrence number within the file), and a key
already booked or parked is reported as a duplicate.
"""

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import RuleViolation
from execcenter.identifiers import fold, normalise_case_number
from execcenter.models import Court
from execcenter.money import parse_amount
from execcenter.policy import require
from execcenter.scope import user_of
from execcenter.services import actor_label, audit
from execcenter.validators import format_case_number

from .choices import ReceiptSource
from .models import BankStatementImport, Case, MoneyEntry, UnclaimedReceipt
from .services import record_receipt

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000
# Header names banks use for each column (compared after fold() and lower()).
COLUMNS = {
    "date": ("日期", "到账日期", "交易日期", "记账日期", "date"),
    "amount": ("金额", "交易金额", "收入金额", "贷方金额", "amount"),
    "payer": ("付款人", "付款人名称", "对方户名", "付款户名", "payer"),
    "reference": ("附言", "摘要", "用途", "备注", "reference"),
    "transaction_id": ("流水号", "交易流水号", "银行流水号", "transactionid", "transaction_id"),
}
REQUIRED = ("date", "amount", "payer", "reference")
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
    "%Y年%m月%d日",
    "%Y-%m-%d%H:%M:%S",
    "%Y-%m-%d%H:%M",
    "%Y/%m/%d%H:%M:%S",
    "%Y/%m/%d%H:%M",
)
# A case number inside free text, after normalise_case_number: （2024）宁0105执123号 (the 号 is often left out).
CASE_NUMBER_IN_TEXT = re.compile(r"（(\d{4})）([\u4e00-\u9fff]\d{0,4})(执[恢保异复监协]?)(\d{1,7})")


class StatementRejected(RuleViolation):
    """The file cannot be imported; `details["lines"]` lists [{"line": n, "error": "…"}] (line 0: the file)."""

    code = "statement_rejected"


@dataclass
class Line:
    number: int
    received_at: dt.datetime
    amount: Decimal
    payer: str
    reference: str
    transaction_id: str
    key: str = ""


def _rows(content, file_name):
    """Rows of cell values from CSV (UTF-8, or GB18030 as Chinese banks export) or XLSX (first sheet)."""
    if file_name.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):  # not a workbook inside
            raise StatementRejected(
                _("文件不是有效的 XLSX 工作簿 (not a valid XLSX workbook)"),
                details={"lines": [{"line": 0, "error": _("文件不是有效的 XLSX 工作簿")}]},
            ) from None
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise StatementRejected(
            _("无法识别文件编码，请使用 UTF-8 或 GBK 的 CSV (unknown encoding)"),
            details={"lines": [{"line": 0, "error": _("无法识别文件编码")}]},
        )
    return list(csv.reader(io.StringIO(text)))


def _header(row):
    names = {fold(str(c or "")).lower(): i for i, c in enumerate(row)}
    found = {}
    for column, aliases in COLUMNS.items():
        for alias in aliases:
            if alias.lower() in names:
                found[column] = names[alias.lower()]
                break
    return found


def _date(value):
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time.min)
    else:
        text = fold(str(value or ""))
        for fmt in DATE_FORMATS:
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(_("日期格式无法识别：%(v)s（应为 2024-03-01） (bad date)") % {"v": text or _("空")})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if timezone.localdate(moment) > timezone.localdate():
        raise ValueError(_("到账日期晚于今天 (date in the future)"))
    return moment


def _amount(value):
    if value in (None, ""):
        raise ValueError(_("金额不是数字：%(v)s (amount is not a number)") % {"v": _("空")})
    try:
        amount = parse_amount(value, allow_zero=True, allow_negative=True)  # the one parser: execcenter.money
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    if amount <= 0:
        raise ValueError(_("金额必须大于零（只导入收款） (amount must be positive)"))
    return amount


def parse(content, file_name="statement.csv"):
    """Every line of the file, checked. Returns [Line]; raises StatementRejected listing every bad line."""
    if len(content) > MAX_BYTES:
        raise StatementRejected(
            _("文件超过 %(m)s MB (file too large)") % {"m": MAX_BYTES // 1024 // 1024},
            details={"lines": [{"line": 0, "error": _("文件过大")}]},
        )
    rows = _rows(content, file_name)
    header = _header(rows[0]) if rows else {}
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        labels = "、".join(COLUMNS[c][0] for c in missing)
        raise StatementRejected(
            _("首行缺少列：%(c)s（需要：日期、金额、付款人、附言） (missing columns)") % {"c": labels},
            details={"lines": [{"line": 1, "error": _("缺少列：%(c)s") % {"c": labels}}]},
        )
    lines, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(c or "").strip() for c in row):
            continue

        def cell(col, row=row):
            index = header.get(col)
            return row[index] if index is not None and index < len(row) else None

        try:
            received_at = _date(cell("date"))
            amount = _amount(cell("amount"))
            payer = str(cell("payer") or "").strip()
            if not payer:
                raise ValueError(_("付款人不能为空 (payer is required)"))
            lines.append(
                Line(
                    number,
                    received_at,
                    amount,
                    payer[:128],
                    str(cell("reference") or "").strip()[:200],
                    fold(str(cell("transaction_id") or ""))[:64],
                )
            )
        except ValueError as exc:
            errors.append({"line": number, "error": str(exc)})
    if len(lines) + len(errors) > MAX_LINES:
        raise StatementRejected(
            _("明细超过 %(m)s 行 (too many lines)") % {"m": MAX_LINES},
            details={"lines": [{"line": 0, "error": _("行数过多")}]},
        )
    if errors:
        raise StatementRejected(
            _("对账单有 %(n)s 行无法导入，未导入任何一行 (bad lines: nothing imported)") % {"n": len(errors)},
            details={"lines": errors},
        )
    if not lines:
        raise StatementRejected(
            _("对账单没有明细行 (no lines)"), details={"lines": [{"line": 0, "error": _("没有明细行")}]}
        )
    return lines


def _keys(court, lines):
    """The idempotency key of each line: the bank's transaction id when given, else the line's content and
    its occurrence number in the file (two equal payments on one day are two lines, and stay two)."""
    seen = {}
    for line in lines:
        if line.transaction_id:
            raw = f"{court.pk}|tx|{line.transaction_id}"
        else:
            content = (court.pk, line.received_at.isoformat(), str(line.amount), line.payer, line.reference)
            seen[content] = seen.get(content, 0) + 1
            raw = "|".join(map(str, content)) + f"|{seen[content]}"
        line.key = "stmt:" + hashlib.sha256(raw.encode()).hexdigest()[:40]
    return lines


def case_for_reference(court, reference):
    """The case of `court` whose number the payer quoted in `reference`, or None."""
    for year, court_code, type_code, seq in CASE_NUMBER_IN_TEXT.findall(normalise_case_number(reference)):
        if court_code != court.code:
            continue
        case = (
            Case.objects.filter(court=court)
            .by_number(format_case_number(int(year), court_code, type_code, int(seq)))
            .first()
        )
        if case is not None:
            return case
    return None


def check_may_import(actor, court):
    """execcenter.policy "money.import_statement": 404 outside the scope, 403 for another role or another court."""
    require(actor, "money.import_statement", court)


def import_statement(actor, court, content, file_name, *, request=None):
    """Import one statement of `court`'s account. Returns the BankStatementImport with its line report.
    Raises StatementRejected (400, every bad line listed, nothing imported) or 404/403 as check_may_import."""
    check_may_import(actor, court)
    lines = _keys(court, parse(content, file_name))
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        # One import per court account at a time: a second import of the same file waits and then finds duplicates.
        Court.objects.select_for_update().filter(pk=court.pk).first()
        known = set(
            MoneyEntry.objects.filter(reference__in=[ln.key for ln in lines]).values_list("reference", flat=True)
        )
        known |= set(
            UnclaimedReceipt.objects.filter(bank_reference__in=[ln.key for ln in lines]).values_list(
                "bank_reference", flat=True
            )
        )
        run = BankStatementImport.objects.create(
            court=court,
            file_name=file_name[:200],
            sha256=digest,
            imported_by=user_of(actor),
            imported_by_label=actor_label(actor)[:64],
            lines=len(lines),
        )
        report, booked_amount, parked_amount = [], Decimal("0.00"), Decimal("0.00")
        for line in lines:
            row = {
                "line": line.number,
                "amount": str(line.amount),
                "payer": line.payer,
                "date": timezone.localdate(line.received_at).isoformat(),
            }
            if line.key in known:
                report.append({**row, "outcome": "duplicate", "case": ""})
                continue
            case = case_for_reference(court, line.reference)
            if case is not None:
                record_receipt(
                    case,
                    line.amount,
                    ReceiptSource.VOLUNTARY,
                    reference=line.key,
                    actor=actor,
                    request=request,
                    checked_as="money.import_statement",
                    received_at=line.received_at,
                    note=(_("银行对账单：%(p)s %(r)s") % {"p": line.payer, "r": line.reference})[:200],
                )
                booked_amount += line.amount
                report.append({**row, "outcome": "booked", "case": case.number})
            else:
                UnclaimedReceipt.objects.create(
                    court=court,
                    amount=line.amount,
                    received_at=line.received_at,
                    payer_name=line.payer,
                    bank_reference=line.key,
                    remark=line.reference,
                    statement=run,
                )
                parked_amount += line.amount
                report.append({**row, "outcome": "parked", "case": ""})
            known.add(line.key)
        counts = {o: sum(1 for r in report if r["outcome"] == o) for o in ("booked", "parked", "duplicate")}
        BankStatementImport.objects.filter(pk=run.pk).update(
            booked=counts["booked"],
            parked=counts["parked"],
            duplicates=counts["duplicate"],
            booked_amount=booked_amount,
            parked_amount=parked_amount,
            report=report,
        )
        run.refresh_from_db()
        audit(
            actor,
            "money.statement_import",
            run,
            court=court,
            request=request,
            details={
                "file": file_name[:200],
                "sha256": digest,
                "lines": len(lines),
                **counts,
                "booked_amount": str(booked_amount),
                "parked_amount": str(parked_amount),
            },
        )
    return run
