"""Order documents as .docx: the ruling (执行裁定书) and the assistance notice (协助执行通知书).

Layout after GB/T 9704-2012 (党政机关公文格式): A4, margins 37/35/28/26 mm, title in 小标宋 二号 (22 pt,
fallback 宋体 / Noto Serif CJK SC), body in 仿宋 三号 (16 pt) with fixed 28.9 pt lines, the court's name
and the document number at the top. The number is the ruling's (assigned when the order was approved).
"""
import io
import zipfile

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from cases.choices import PartyRole
from querycontrol.choices import AssetKind, OrderKind

TITLE_FONT = "方正小标宋简体"
TITLE_FALLBACK = "宋体"
BODY_FONT = "仿宋_GB2312"
BODY_FALLBACK = "仿宋"
# 《中华人民共和国民事诉讼法》(2023) Art. 253: query, freeze, transfer deposits; Art. 255: seal property.
BASIS = {
    OrderKind.FREEZE: "《中华人民共和国民事诉讼法》第二百五十三条、《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十五条",
    OrderKind.RENEW: "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十五条",
    OrderKind.UNFREEZE: "《中华人民共和国民事诉讼法》第二百五十三条、《最高人民法院关于人民法院民事执行中查封、扣押、冻结财产的规定》第十九条",
    OrderKind.DEDUCT: "《中华人民共和国民事诉讼法》第二百五十三条",
    OrderKind.SEAL: "《中华人民共和国民事诉讼法》第二百五十五条、《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十五条",
}
NOTICE_TITLE = {
    OrderKind.FREEZE: "协助冻结存款通知书", OrderKind.RENEW: "协助续行冻结通知书", OrderKind.UNFREEZE: "协助解除冻结通知书",
    OrderKind.DEDUCT: "协助扣划存款通知书", OrderKind.SEAL: "协助查封通知书",
}
CASH = {AssetKind.DEPOSIT, AssetKind.PAYMENT, AssetKind.PROVIDENT_FUND, AssetKind.SECURITIES, AssetKind.INSURANCE}


def _font(run, name, fallback, size):
    run.font.name = fallback
    run.font.size = Pt(size)
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _new_document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    return doc


def _para(doc, text, *, font=BODY_FONT, fallback=BODY_FALLBACK, size=16, align=None, indent=True, bold=False):
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(28.9)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)  # two characters
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.bold = bold
    _font(run, font, fallback, size)
    return p


def _header(doc, order, title):
    _para(doc, order.court.name, font=TITLE_FONT, fallback=TITLE_FALLBACK, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, title, font=TITLE_FONT, fallback=TITLE_FALLBACK, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, order.document_no or order.case.number, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


def _parties(order):
    parties = {PartyRole.APPLICANT: [], PartyRole.RESPONDENT: []}
    for cp in order.case.case_parties.select_related("party"):
        parties.setdefault(cp.role, []).append(cp.party)
    return parties


def _measure(order):
    asset, inst = order.asset, order.institution
    what = "存款" if asset.kind in CASH else asset.get_kind_display()
    where = f"在{inst.name}的{what}（{asset.description}，账号/权证号：{asset.asset_ref}）"
    amount = f"{order.requested_amount:,.2f}元"
    term = f"期限{order.term_days}日" if order.term_days else ""
    if order.kind == OrderKind.FREEZE:
        return f"冻结被执行人{order.respondent.name}{where}{amount}，{term}"
    if order.kind == OrderKind.SEAL:
        return f"查封被执行人{order.respondent.name}{where}，{term}"
    if order.kind == OrderKind.RENEW:
        return f"续行冻结（查封）被执行人{order.respondent.name}{where}，续行{term}"
    if order.kind == OrderKind.UNFREEZE:
        return f"解除对被执行人{order.respondent.name}{where}的冻结（查封），解除金额{amount}"
    return f"扣划被执行人{order.respondent.name}{where}中已冻结的款项{amount}至本院执行款专户"


def _signature(doc, order):
    _para(doc, "")
    _para(doc, f"承办人　{order.filed_by_label}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    if order.decided_by_label:
        _para(doc, f"批准人　{order.decided_by_label}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    day = timezone.localtime(order.decided_at).date() if order.decided_at else timezone.localdate()
    _para(doc, f"{day.year}年{day.month}月{day.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, "（院印）", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


def _bytes(doc):
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def ruling_docx(order):
    """执行裁定书: who, which case, what is ordered, on which legal basis."""
    doc = _new_document()
    _header(doc, order, "执行裁定书")
    parties = _parties(order)
    for p in parties[PartyRole.APPLICANT]:
        _para(doc, f"申请执行人：{p.name}，证件号码{p.id_number}。", indent=False)
    for p in parties[PartyRole.RESPONDENT]:
        _para(doc, f"被执行人：{p.name}，证件号码{p.id_number}。", indent=False)
    case = order.case
    applicants = "、".join(p.name for p in parties[PartyRole.APPLICANT])
    respondents = "、".join(p.name for p in parties[PartyRole.RESPONDENT])
    _para(doc, f"本院在执行申请执行人{applicants}与被执行人{respondents}{case.cause}一案中，"
               f"依据{case.origin_body}{case.origin_document_no}法律文书，被执行人未履行确定的义务。"
               f"本案未执行金额{case.outstanding_amount:,.2f}元。依照{BASIS[order.kind]}之规定，裁定如下：")
    _para(doc, _measure(order) + "。")
    _para(doc, "本裁定立即生效。")
    _signature(doc, order)
    return _bytes(doc)


def notice_docx(order):
    """协助执行通知书 addressed to the institution: the account, amount, term and the ruling it executes."""
    doc = _new_document()
    _header(doc, order, NOTICE_TITLE[order.kind])
    _para(doc, f"{order.institution.name}：", indent=False)
    _para(doc, f"关于{order.case.number}申请执行人与被执行人{order.respondent.name}{order.case.cause}一案，"
               f"本院作出的{order.document_no or order.case.number}执行裁定书已经发生法律效力。"
               f"依照{BASIS[order.kind]}之规定，请协助执行下列事项：")
    _para(doc, _measure(order) + "。")
    _para(doc, f"被执行人：{order.respondent.name}，证件号码：{order.respondent.id_number}。")
    if order.kind in (OrderKind.FREEZE, OrderKind.SEAL, OrderKind.RENEW):
        _para(doc, "期限届满前如需续行冻结（查封），本院将另行通知；期限届满未续行的，冻结（查封）自动解除。")
    _para(doc, f"本通知书业务编号（幂等键）：{order.uuid}。请将协助执行情况回执送达本院。")
    _signature(doc, order)
    return _bytes(doc)


def filename(order, which):
    title = "执行裁定书" if which == "ruling" else NOTICE_TITLE[order.kind]
    return f"{order.case.number}-{order.pk}-{title}.docx"


def documents_zip(orders):
    """Both documents of every order, in one zip (batch generation for many orders at once)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for order in orders:
            zf.writestr(filename(order, "ruling"), ruling_docx(order))
            zf.writestr(filename(order, "notice"), notice_docx(order))
    return buf.getvalue()
