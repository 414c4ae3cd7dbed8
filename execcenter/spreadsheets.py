"""The one writer of .xlsx and .csv files: every spreadsheet the product writes goes through here.

What it guarantees (issue 12 §3, docs/design.md §7 field lessons):
- numbers are numbers (money `#,##0.00`, counts `0`), never text; dates and times are real dates in
  Asia/Shanghai (an aware datetime is converted before it is written, so 03:00 Beijing is not "yesterday");
- text is always a string cell, never a formula: text starting with = + - @, a tab or a CR is written
  with Excel's quote-prefix style (shown as typed, stays text when edited); in .csv it gets a leading `'`
  (OWASP CSV injection). Characters XML 1.0 forbids are dropped;
- sheet names are legal (≤ 31 characters, no []:*?/\\) and unique in the workbook;
- the header row is frozen, has an auto-filter, and columns are wide enough for Chinese (a CJK
  character counts as two).

Streaming: `iter_xlsx(sheets)` yields the file in chunks while the rows are still being read (zipfile in
non-seekable mode writes data descriptors), so a 100,000-row export holds one chunk in memory, not the
workbook. openpyxl and XlsxWriter both assemble the zip only when the workbook is closed, which is why
the SpreadsheetML parts (ECMA-376 Part 1, §18) are written here directly; openpyxl reads them back in tests.

Shapes: `Column(header, kind=TEXT|INT|MONEY|NUMBER|PERCENT|DATE|DATETIME, width=None)`;
`Sheet(title, columns, rows, preamble=())` where rows is any iterable of sequences (one value per column)
and preamble are lines above the header (title, period); `xlsx_bytes(sheets)` → bytes;
`iter_xlsx(sheets)` → iterator of bytes; `iter_csv(sheet)` → iterator of str (UTF-8 with BOM first).
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from django.conf import settings

TEXT, INT, MONEY, NUMBER, PERCENT, DATE, DATETIME = "text", "int", "money", "number", "percent", "date", "datetime"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
EPOCH = dt.datetime(1899, 12, 30)
XML_ENTITIES = {"\r": "&#13;"}
CHUNK = 64 * 1024
MAX_WIDTH = 60

# Style indexes into cellXfs of STYLES below.
S_DEFAULT, S_HEADER, S_QUOTED, S_INT, S_MONEY, S_DATE, S_DATETIME, S_NUMBER, S_PERCENT, S_TITLE = range(10)
KIND_STYLE = {INT: S_INT, MONEY: S_MONEY, NUMBER: S_NUMBER, PERCENT: S_PERCENT, DATE: S_DATE, DATETIME: S_DATETIME}
KIND_WIDTH = {INT: 10, MONEY: 16, NUMBER: 12, PERCENT: 10, DATE: 12, DATETIME: 20, TEXT: 12}


@dataclass
class Column:
    header: str
    kind: str = TEXT
    width: int | None = None  # in Excel character units; None: from header, kind and (when buffered) data


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence] = ()
    preamble: Sequence[str] = field(default_factory=tuple)


def display_width(text):
    """Columns a text needs in Excel's units: CJK and other wide characters count two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(text))


def neutralise_csv(text):
    """'=HYPERLINK(…)' → "'=HYPERLINK(…)": a CSV cell has no type, so the prefix is the only defence."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def unique_sheet_names(titles):
    """Legal, unique sheet names in order: forbidden characters replaced, ≤ 31 characters, duplicates
    numbered （2）, （3）… (Excel compares names case-insensitively)."""
    seen, out = set(), []
    for title in titles:
        base = SHEET_NAME_FORBIDDEN.sub("-", str(title)).strip("'") or "Sheet"
        name, n = base[:31], 1
        while name.casefold() in seen:
            n += 1
            suffix = f"（{n}）"
            name = base[: 31 - len(suffix)] + suffix
        seen.add(name.casefold())
        out.append(name)
    return out


def local_datetime(value):
    """Aware datetimes in Asia/Shanghai (the display zone), then naive for Excel, which has no zones."""
    if value.tzinfo is not None:
        value = value.astimezone(ZoneInfo(settings.TIME_ZONE))
    return value.replace(tzinfo=None)


def _serial(value):
    if isinstance(value, dt.datetime):
        delta = local_datetime(value) - EPOCH
        return repr(round(delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000, 8))
    return str((value - EPOCH.date()).days)


def _col_letter(index):
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# One search finds everything that needs work in a text: characters XML forbids, the three it escapes, and CR.
SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff&<>\r]")
FORMULA_FIRST = frozenset("=+-@\t\r")
SPACE = frozenset(" \t\n\r")


def _text(ref, value, style=S_DEFAULT):
    if SPECIAL.search(value):
        # A literal CR would be read back as LF (XML end-of-line handling): written as a character reference it stays CR.
        value = escape(ILLEGAL_XML.sub("", value), XML_ENTITIES)
        if not value:
            return ""
    if value[0] in FORMULA_FIRST or value.startswith("&#13;"):
        style = S_QUOTED  # a string cell with quotePrefix: never evaluated, stays text when edited
    space = ' xml:space="preserve"' if value[0] in SPACE or value[-1] in SPACE else ""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{value}</t></is></c>'


_NUMBERS = (int, Decimal, float)


def _cell(ref, value, kind):
    """One <c> element; the value decides the cell type, the column kind its number format."""
    t = type(value)
    if t is str:
        return _text(ref, value) if value else ""
    if value is None:
        return ""
    if t is bool:
        return _text(ref, "是" if value else "否")
    if t in _NUMBERS or isinstance(value, _NUMBERS):
        style = KIND_STYLE.get(
            kind, S_MONEY if isinstance(value, Decimal) else S_INT if isinstance(value, int) else S_NUMBER
        )
        if style in (S_DATE, S_DATETIME):
            style = S_NUMBER
        return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
    if isinstance(value, dt.datetime):
        return f'<c r="{ref}" s="{S_DATE if kind == DATE else S_DATETIME}"><v>{_serial(value)}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{S_DATE}"><v>{_serial(value)}</v></c>'
    return _text(ref, str(value))


STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="4"><numFmt numFmtId="164" formatCode="#,##0.00"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm:ss"/><numFmt numFmtId="167" formatCode="0.00%"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '<font><b/><sz val="14"/><name val="宋体"/><family val="3"/><charset val="134"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="10">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1" applyNumberFormat="1"/>'
    '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _content_types(n):
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return (
        HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook(names):
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, start=1)
    )
    return HEAD + f"<workbook {NS} {RNS}><bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>"


def _workbook_rels(n):
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    rels += (
        f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/>'
    )
    return (
        HEAD
        + f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
    )


ROOT_RELS = (
    HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)


def _core(created):
    return (
        HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>执行指挥中心</dc:creator><dc:language>zh-CN</dc:language>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created></cp:coreProperties>'
    )


def _widths(sheet, sample):
    out = []
    for i, col in enumerate(sheet.columns):
        if col.width:
            out.append(col.width)
            continue
        width = max(display_width(col.header), KIND_WIDTH.get(col.kind, 12))
        for row in sample:
            value = row[i] if i < len(row) else None
            if value is not None and col.kind == TEXT:
                width = max(width, display_width(value))
        out.append(min(width + 2, MAX_WIDTH))
    return out


def _sheet_parts(sheet, sample, rows):
    """The worksheet XML in pieces: head (views, widths), then one piece per row, then the tail."""
    ncols = max(len(sheet.columns), 1)
    last = _col_letter(ncols - 1)
    header_row = len(sheet.preamble) + 1
    widths = _widths(sheet, sample)
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
    yield (
        HEAD + f'<worksheet {NS} {RNS}><sheetViews><sheetView workbookViewId="0">'
        f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="A{header_row + 1}" sqref="A{header_row + 1}"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
    )
    r = 0
    for r, line in enumerate(sheet.preamble, start=1):
        yield f'<row r="{r}">{_text(f"A{r}", str(line), S_TITLE if r == 1 else S_DEFAULT)}</row>'
    r = header_row
    letters = [_col_letter(i) for i in range(ncols)]
    yield (
        f'<row r="{r}">'
        + "".join(_text(f"{letters[i]}{r}", c.header, S_HEADER) for i, c in enumerate(sheet.columns))
        + "</row>"
    )
    kinds = [c.kind for c in sheet.columns]
    for row in rows:
        r += 1
        n = str(r)
        yield (
            f'<row r="{n}">'
            + "".join([_cell(letter + n, v, k) for letter, v, k in zip(letters, row, kinds)])
            + "</row>"
        )
    yield f'</sheetData><autoFilter ref="A{header_row}:{last}{max(r, header_row)}"/></worksheet>'


class _Sink:
    """A write-only, non-seekable file: zipfile then streams with data descriptors; `drain` hands the
    bytes written so far to the response."""

    def __init__(self):
        self.parts = []
        self.size = 0

    def write(self, data):
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self):
        pass

    def drain(self):
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        return data


def iter_xlsx(sheets, *, fit_rows=200):
    """Yield the .xlsx in chunks of about 64 KiB. The first `fit_rows` rows of each sheet are read ahead
    to size its text columns; the rest stream through."""
    from django.utils import timezone

    sheets = list(sheets)
    names = unique_sheet_names(s.title for s in sheets)
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3) as zf:
        zf.writestr("[Content_Types].xml", _content_types(len(sheets)))
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("docProps/core.xml", _core(timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")))
        zf.writestr("xl/workbook.xml", _workbook(names))
        zf.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        zf.writestr("xl/styles.xml", STYLES)
        yield sink.drain()
        for index, sheet in enumerate(sheets, start=1):
            rows = iter(sheet.rows)
            sample = []
            for row in rows:
                sample.append(row)
                if len(sample) >= fit_rows:
                    break
            with zf.open(f"xl/worksheets/sheet{index}.xml", "w") as part:
                pending = []
                for piece in _sheet_parts(sheet, sample, _chain(sample, rows)):
                    pending.append(piece)
                    if len(pending) >= 256:
                        part.write("".join(pending).encode())
                        pending = []
                        if sink.size >= CHUNK:
                            yield sink.drain()
                part.write("".join(pending).encode())
            yield sink.drain()
    yield sink.drain()


def _chain(first, rest):
    yield from first
    yield from rest


def xlsx_bytes(sheets, **kw):
    return b"".join(iter_xlsx(sheets, **kw))


def write_xlsx(sheets, stream, **kw):
    for chunk in iter_xlsx(sheets, **kw):
        stream.write(chunk)


class _Line:
    def write(self, value):
        return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return local_datetime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, Decimal, float)):
        return str(value)
    return neutralise_csv(ILLEGAL_XML.sub("", str(value)))


def iter_csv(sheet):
    """One sheet as CSV lines (UTF-8 BOM first so that Excel reads Chinese): numbers plain, dates local,
    text that could be a formula prefixed with '."""
    writer = csv.writer(_Line())
    yield "\ufeff"
    for line in sheet.preamble:
        yield writer.writerow([_csv_value(line)])
    yield writer.writerow([neutralise_csv(c.header) for c in sheet.columns])
    for row in sheet.rows:
        yield writer.writerow([_csv_value(v) for v in row])


def csv_text(sheet):
    buf = io.StringIO()
    for line in iter_csv(sheet):
        buf.write(line)
    return buf.getvalue()
