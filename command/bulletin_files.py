"""Writing a bulletin's frozen data as .xlsx (execcenter.spreadsheets: numbers as numbers, dates as dates,
unique sheet names, frozen headers) and .docx (execcenter.docx_layout: GB/T 9704, Chinese fonts on every run)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from docx.enum.text import WD_ALIGN_PARAGRAPH

from execcenter import docx_layout as layout
from execcenter import spreadsheets as ss

SECTIONS = (
    (
        "indicators",
        "质效指标（首次执行）",
        ["指标", "分子", "分母", "数值", "单位", "目标", "低于目标"],
        lambda r: [
            r["name"],
            r["numerator"],
            r["denominator"],
            r["value"] or "—",
            r["unit"],
            r["target"] or "",
            "是" if r["below_target"] else "",
        ],
    ),
    (
        "core",
        "“3+1”核心指标（分案件类型）",
        ["指标", "案件类型", "分子", "分母", "数值(%)", "目标(%)"],
        lambda r: [r["name"], r["case_type"] or "—", r["numerator"], r["denominator"], r["value"] or "—", r["target"]],
    ),
)
LEDGERS = (
    (
        "long_pending",
        "长期未结案件台账（12个月以上）",
        ["案号", "法院", "立案日期", "未结天数", "承办法官", "包案领导", "未执行金额"],
        ["number", "court", "filed_on", "days_open", "judge", "leader", "outstanding"],
    ),
    (
        "overdue_payouts",
        "逾期未发放案款",
        ["案号", "法院", "到账日期", "应发放日期", "未发放金额", "逾期天数"],
        ["number", "court", "received", "due", "unpaid", "days_overdue"],
    ),
)
OPERATION_COLUMNS = (
    ["行动", "状态", "开始", "结束", "小组", "涉及案件", "执结", "到位金额", "拘留"],
    ["name", "status", "start", "end", "teams", "cases_worked", "cases_closed", "amount", "detained"],
)
LINKAGE_COLUMNS = (
    ["协助单位", "推送", "答复", "办结", "待复", "逾期"],
    ["name", "pushed", "answered", "closed", "pending", "overdue"],
)


# Kinds of the columns of each table, by header (the data holds Decimals as strings, JSON being JSON).
KINDS = {
    "分子": ss.NUMBER,
    "分母": ss.NUMBER,
    "数值": ss.NUMBER,
    "数值(%)": ss.NUMBER,
    "目标": ss.NUMBER,
    "目标(%)": ss.NUMBER,
    "名次": ss.INT,
    "立案日期": ss.DATE,
    "未结天数": ss.INT,
    "未执行金额": ss.MONEY,
    "到账日期": ss.DATE,
    "应发放日期": ss.DATE,
    "未发放金额": ss.MONEY,
    "逾期天数": ss.INT,
    "开始": ss.DATE,
    "结束": ss.DATE,
    "小组": ss.INT,
    "涉及案件": ss.INT,
    "执结": ss.INT,
    "到位金额": ss.MONEY,
    "拘留": ss.INT,
    "推送": ss.INT,
    "答复": ss.INT,
    "办结": ss.INT,
    "待复": ss.INT,
    "逾期": ss.INT,
}


def _typed(value, kind):
    """'12.50' → Decimal, '3' → 3, '2025-03-01' → date for numeric / date columns; '—' and '' stay text."""
    if value is None or isinstance(value, (int, Decimal, dt.date)) or kind == ss.TEXT:
        return value
    text = str(value)
    try:
        if kind == ss.DATE:
            return dt.date.fromisoformat(text)
        number = Decimal(text)
        return int(number) if kind == ss.INT and number == number.to_integral_value() else number
    except (ValueError, InvalidOperation):
        return text


def _tables(data):
    """Every table of the bulletin as (heading, header row, rows), in the order both files show them."""
    out = [(heading, header, [row(r) for r in data[key]]) for key, heading, header, row in SECTIONS]
    for ranking in data["rankings"]:
        out.append(
            (
                f"排名：{ranking['name']}",
                ["名次", "法院", "数值", "分子", "分母"],
                [
                    [r["rank"] or "—", r["court"], r["value"] or "—", r["numerator"], r["denominator"]]
                    for r in ranking["rows"]
                ],
            )
        )
    for key, heading, header, fields in LEDGERS:
        block = data[key]
        out.append((f"{heading}：共 {block['count']} 件", header, [[r[f] for f in fields] for r in block["rows"]]))
    out.append(
        ("集中执行行动", OPERATION_COLUMNS[0], [[r[f] for f in OPERATION_COLUMNS[1]] for r in data["operations"]])
    )
    out.append(("执行联动协助", LINKAGE_COLUMNS[0], [[r[f] for f in LINKAGE_COLUMNS[1]] for r in data["linkage"]]))
    return out


def sheets(title, data, number=""):
    """The bulletin as workbook sheets: one per table, named after its heading (made unique by the writer)."""
    period = f"{data['period'][0]} 至 {data['period'][1]}"
    out = []
    for heading, header, rows in _tables(data):
        kinds = [KINDS.get(h, ss.TEXT) for h in header]
        columns = [ss.Column(h, k) for h, k in zip(header, kinds)]
        typed = [[_typed(v, k) for v, k in zip(row, kinds)] for row in rows]
        out.append(
            ss.Sheet(heading.split("：")[0], columns, typed, preamble=[title, f"{number}　{heading}　{period}".strip()])
        )
    return out


def render_xlsx(title, data, number=""):
    """→ bytes of the .xlsx."""
    return ss.xlsx_bytes(sheets(title, data, number))


def render_docx(title, data, number=""):
    """→ bytes of the .docx: court, title, number, period, then each table under its heading."""
    doc = layout.new_document()
    layout.title(doc, data["court"])
    layout.title(doc, title)
    if number:
        layout.paragraph(doc, number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    layout.paragraph(doc, f"统计期间：{data['period'][0]} 至 {data['period'][1]}", indent=False)
    for heading_text, header, rows in _tables(data):
        layout.paragraph(doc, heading_text, font=layout.HEADING_FONT, fallback=layout.HEADING_FONT, indent=False)
        layout.table(doc, header, rows)
    return layout.to_bytes(doc)
