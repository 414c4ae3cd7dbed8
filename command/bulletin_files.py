"""Writing a bulletin's frozen data as .xlsx (openpyxl) and .docx (python-docx, GB/T 9704 layout: A4,
title in 小标宋 / 宋体, body 仿宋 三号 16 pt)."""
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Font

SECTIONS = (
    ("indicators", "质效指标（首次执行）", ["指标", "分子", "分母", "数值", "单位", "目标", "低于目标"],
     lambda r: [r["name"], r["numerator"], r["denominator"], r["value"] or "—", r["unit"], r["target"] or "", "是" if r["below_target"] else ""]),
    ("core", "“3+1”核心指标（分案件类型）", ["指标", "案件类型", "分子", "分母", "数值(%)", "目标(%)"],
     lambda r: [r["name"], r["case_type"] or "—", r["numerator"], r["denominator"], r["value"] or "—", r["target"]]),
)
LEDGERS = (
    ("long_pending", "长期未结案件台账（12个月以上）", ["案号", "法院", "立案日期", "未结天数", "承办法官", "包案领导", "未执行金额"],
     ["number", "court", "filed_on", "days_open", "judge", "leader", "outstanding"]),
    ("overdue_payouts", "逾期未发放案款", ["案号", "法院", "到账日期", "应发放日期", "未发放金额", "逾期天数"],
     ["number", "court", "received", "due", "unpaid", "days_overdue"]),
)
OPERATION_COLUMNS = (["行动", "状态", "开始", "结束", "小组", "涉及案件", "执结", "到位金额", "拘留"],
                     ["name", "status", "start", "end", "teams", "cases_worked", "cases_closed", "amount", "detained"])
LINKAGE_COLUMNS = (["协助单位", "推送", "答复", "办结", "待复", "逾期"], ["name", "pushed", "answered", "closed", "pending", "overdue"])


def _tables(data):
    """Every table of the bulletin as (heading, header row, rows), in the order both files show them."""
    out = [(heading, header, [row(r) for r in data[key]]) for key, heading, header, row in SECTIONS]
    for ranking in data["rankings"]:
        out.append((f"排名：{ranking['name']}", ["名次", "法院", "数值", "分子", "分母"],
                    [[r["rank"] or "—", r["court"], r["value"] or "—", r["numerator"], r["denominator"]] for r in ranking["rows"]]))
    for key, heading, header, fields in LEDGERS:
        block = data[key]
        out.append((f"{heading}：共 {block['count']} 件", header, [[r[f] for f in fields] for r in block["rows"]]))
    out.append(("集中执行行动", OPERATION_COLUMNS[0], [[r[f] for f in OPERATION_COLUMNS[1]] for r in data["operations"]]))
    out.append(("执行联动协助", LINKAGE_COLUMNS[0], [[r[f] for f in LINKAGE_COLUMNS[1]] for r in data["linkage"]]))
    return out


def render_xlsx(title, data, stream):
    wb = Workbook()
    wb.remove(wb.active)
    for index, (heading, header, rows) in enumerate(_tables(data), start=1):
        ws = wb.create_sheet(f"{index:02d}{heading.split('：')[0][:20]}".replace("/", "-"))
        ws.append([title])
        ws.append([heading, f"{data['period'][0]} 至 {data['period'][1]}"])
        ws.append(header)
        for cell in ws[3]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([str(v) if v is not None else "" for v in row])
    wb.save(stream)


def _font(run, name, size, bold=False):
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def render_docx(title, data, stream):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(head.add_run(data["court"]), "宋体", 22, True)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(heading.add_run(title), "方正小标宋简体", 22)
    _font(doc.add_paragraph().add_run(f"统计期间：{data['period'][0]} 至 {data['period'][1]}"), "仿宋", 16)
    for heading_text, header, rows in _tables(data):
        _font(doc.add_paragraph().add_run(heading_text), "黑体", 16)
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = text
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row):
                cell.text = "" if value is None else str(value)
    doc.save(stream)
