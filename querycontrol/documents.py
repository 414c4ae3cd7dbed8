"""Order documents as .docx: the ruling (执行裁定书) and the assistance notice (协助执行通知书).

Issued once, when the order is approved (`issue_order_documents`, called by approve_order inside its
transaction): rendered from the figures of that moment, numbered with the order's 文号, stored with its
SHA-256 as cases.IssuedDocument, and every later download returns those bytes. Orders that are not
approved have no document; a judge may ask for a preview (`draft=True`): marked 草稿 on every page,
never numbered, never stored.

Layout after GB/T 9704-2012 via execcenter.docx_layout (A4, 小标宋 二号 title, 仿宋 三号 body, zh-CN).
"""

import io
import zipfile

from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH

from cases import documents as issued
from cases.choices import PartyRole
from cases.models import DocumentKind
from execcenter import docx_layout as layout
from execcenter import spreadsheets as ss
from execcenter.exceptions import InvalidTransition
from execcenter.money import format_yuan
from querycontrol.choices import AssetKind, OrderKind, OrderStatus

# 《中华人民共和国民事诉讼法》(2023) Art. 253: query, freeze, transfer deposits; Art. 255: seal property.
BASIS = {
    OrderKind.FREEZE: "《中华人民共和国民事诉讼法》第二百五十三条、《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十五条",
    OrderKind.RENEW: "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十五条",
    OrderKind.UNFREEZE: "《中华人民共和国民事诉讼法》第二百五十三条、《最高人民法院关于人民法院民事执行中查封、扣押、冻结财产的规定》第十九条",
    OrderKind.DEDUCT: "《中华人民共和国民事诉讼法》第二百五十三条",
    OrderKind.SEAL: "《中华人民共和国民事诉讼法》第二百五十五条、《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十五条",
}
NOTICE_TITLE = {
    OrderKind.FREEZE: "协助冻结存款通知书",
    OrderKind.RENEW: "协助续行冻结通知书",
    OrderKind.UNFREEZE: "协助解除冻结通知书",
    OrderKind.DEDUCT: "协助扣划存款通知书",
    OrderKind.SEAL: "协助查封通知书",
}
CASH = {AssetKind.DEPOSIT, AssetKind.PAYMENT, AssetKind.PROVIDENT_FUND, AssetKind.SECURITIES, AssetKind.INSURANCE}
# Statuses in which the order has taken effect (approved, then sent and answered): the only ones with documents.
ISSUED_STATUSES = {OrderStatus.APPROVED, OrderStatus.SENT, OrderStatus.DONE}
OVER_FREEZE_BASIS = "《最高人民法院关于人民法院民事执行中查封、扣押、冻结财产的规定》第十九条"


def _para(doc, text, **kw):
    return layout.paragraph(doc, text, **kw)


def _header(doc, order, title, draft):
    layout.title(doc, order.court.name)
    layout.title(doc, title)
    # A draft has no number: the 文号 exists only once the order is approved.
    _para(doc, "（草稿，未编号）" if draft else order.document_no, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


def _parties(order):
    parties = {PartyRole.APPLICANT: [], PartyRole.RESPONDENT: []}
    for cp in order.case.case_parties.select_related("party").order_by("id"):
        parties.setdefault(cp.role, []).append(cp.party)
    return parties


def _names(parties, role):
    return "、".join(p.name for p in parties.get(role, [])) or "—"


def _money(value):
    return format_yuan(value)  # execcenter.money: "1,234.50元", 四舍五入


def _measure(order):
    asset, inst = order.asset, order.institution
    what = "存款" if asset.kind in CASH else asset.get_kind_display()
    where = f"在{inst.name}的{what}（{asset.description}，账号/权证号：{asset.asset_ref}）"
    amount = _money(order.requested_amount)
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


def _amounts(order):
    """The amount the court may control, explained: claim outstanding + costs (查封规定 Art. 19)."""
    case = order.case
    outstanding, costs = case.outstanding_amount or 0, case.costs_amount or 0
    return (
        f"截至本裁定作出之日，本案未执行金额{_money(outstanding)}，执行费用{_money(costs)}，"
        f"合计{_money(outstanding + costs)}，为本院可控制财产价值的上限（{OVER_FREEZE_BASIS}）。"
    )


def responsible_officer(order):
    """承办人 on the court's document: always an officer of the court, never an API key. The officer who
    filed it; for an order filed through a partner system, the case's judge (or responsible officer)."""
    filer = getattr(order.filed_by, "officer", None) if order.filed_by_id else None
    officer = filer or order.case.assigned_judge or order.case.responsible_officer
    return officer.name if officer else ""


def _signature(doc, order, draft):
    _para(doc, "")
    _para(doc, f"承办人　{responsible_officer(order)}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    if not draft and order.decided_by_label:
        _para(doc, f"批准人　{order.decided_by_label}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    day = timezone.localtime(order.decided_at).date() if (order.decided_at and not draft) else timezone.localdate()
    _para(doc, f"{day.year}年{day.month}月{day.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    if not draft:
        _para(doc, "（院印）", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


def _check_renderable(order, draft):
    if draft and order.status not in (OrderStatus.DRAFT, OrderStatus.SUBMITTED):
        raise InvalidTransition(_("只有未审批的措施可以预览草稿 (only orders not yet decided have a draft)"))
    if not draft and (order.status not in ISSUED_STATUSES or not order.document_no):
        raise InvalidTransition(_("措施未经批准，没有文书 (an order has documents only once approved)"))


def ruling_docx(order, *, draft=False):
    """执行裁定书 → bytes: both parties, the case, what is ordered, the amounts it rests on, legal basis."""
    _check_renderable(order, draft)
    doc = layout.new_document(draft=draft)
    _header(doc, order, "执行裁定书", draft)
    parties = _parties(order)
    for p in parties[PartyRole.APPLICANT]:
        _para(doc, f"申请执行人：{p.name}，证件号码{p.id_number}。", indent=False)
    for p in parties[PartyRole.RESPONDENT]:
        _para(doc, f"被执行人：{p.name}，证件号码{p.id_number}。", indent=False)
    case = order.case
    _para(
        doc,
        f"本院在执行申请执行人{_names(parties, PartyRole.APPLICANT)}与被执行人{_names(parties, PartyRole.RESPONDENT)}"
        f"{case.cause}一案（{case.number}）中，依据{case.origin_body}{case.origin_document_no}法律文书，"
        f"被执行人未履行确定的义务。{_amounts(order)}依照{BASIS[order.kind]}之规定，裁定如下：",
    )
    _para(doc, _measure(order) + "。")
    _para(doc, "本裁定立即生效。" if not draft else "（草稿：经批准后方生效）")
    _signature(doc, order, draft)
    return layout.to_bytes(doc)


def notice_docx(order, *, draft=False):
    """协助执行通知书 → bytes, addressed to the institution: parties, the account, amount, term, the ruling."""
    _check_renderable(order, draft)
    doc = layout.new_document(draft=draft)
    _header(doc, order, NOTICE_TITLE[order.kind], draft)
    parties = _parties(order)
    ruling = "（草稿，未编号）" if draft else order.document_no
    _para(doc, f"{order.institution.name}：", indent=False)
    _para(
        doc,
        f"关于申请执行人{_names(parties, PartyRole.APPLICANT)}与被执行人{_names(parties, PartyRole.RESPONDENT)}"
        f"{order.case.cause}一案（{order.case.number}），本院作出的{ruling}执行裁定书已经发生法律效力。"
        f"依照{BASIS[order.kind]}之规定，请协助执行下列事项：",
    )
    _para(doc, _measure(order) + "。")
    _para(doc, f"被执行人：{order.respondent.name}，证件号码：{order.respondent.id_number}。")
    if order.kind in (OrderKind.FREEZE, OrderKind.SEAL, OrderKind.RENEW):
        _para(doc, "期限届满前如需续行冻结（查封），本院将另行通知；期限届满未续行的，冻结（查封）自动解除。")
    _para(doc, f"本通知书业务编号（幂等键）：{order.uuid}。请将协助执行情况回执送达本院。")
    _signature(doc, order, draft)
    return layout.to_bytes(doc)


RENDER = {DocumentKind.RULING: ruling_docx, DocumentKind.NOTICE: notice_docx}
WHICH = {"ruling": DocumentKind.RULING, "notice": DocumentKind.NOTICE}


def title_of(order, kind):
    return "执行裁定书" if kind == DocumentKind.RULING else NOTICE_TITLE[order.kind]


def filename(order, which):
    title = title_of(order, WHICH.get(which, which))
    return f"{order.document_no or order.case.number}-{title}.docx"


def issue_order_documents(order, actor=None, request=None):
    """Render and store the ruling and the notice of an approved order, once; returns both records.
    Called at approval inside its transaction (so the figures are the approval's); calling it again
    returns the stored records and renders nothing."""
    out = []
    for which, kind in WHICH.items():
        existing = issued.documents_of(order).filter(kind=kind).first()
        if existing is not None:
            out.append(existing)
            continue
        out.append(
            issued.issue(
                kind=kind,
                number=order.document_no,
                title=title_of(order, kind),
                court=order.court,
                case=order.case,
                source=order,
                content=RENDER[kind](order),
                filename=filename(order, which),
                actor=actor,
                personal_data=True,
                request=request,
            )
        )
    return out


def issued_document(order, which):
    """The stored document of `order` (which = "ruling" / "notice"), or None when it has none."""
    kind = WHICH.get(which)
    return issued.documents_of(order).filter(kind=kind).first() if kind else None


INDEX_COLUMNS = [
    ss.Column("序号", ss.INT),
    ss.Column("文号"),
    ss.Column("案号"),
    ss.Column("措施"),
    ss.Column("协助单位"),
    ss.Column("被执行人"),
    ss.Column("金额", ss.MONEY),
    ss.Column("文书"),
    ss.Column("文件名"),
    ss.Column("签发人"),
    ss.Column("签发时间", ss.DATETIME),
    ss.Column("SHA-256", width=68),
]


def issue_batch(orders, actor=None, request=None):
    """One-click batch (seed 002's 一键批量生成): issue what is missing for every approved order (orders
    approved before documents were stored get theirs now; the others keep their stored ones) and return
    {order pk: [ruling, notice]}; orders not approved get nothing (they are listed as such in the index)."""
    out = {}
    for order in orders:
        if order.status in ISSUED_STATUSES and order.document_no:
            out[order.pk] = issue_order_documents(order, actor=actor, request=request)
    return out


def _index_rows(orders, documents_by_order):
    n = 0
    for order in orders:
        docs = documents_by_order.get(order.pk)
        if not docs:
            n += 1
            yield [
                n,
                "",
                order.case.number,
                order.get_kind_display(),
                order.institution.name,
                order.respondent.name,
                order.requested_amount,
                _("未批准，无文书（%(status)s）") % {"status": order.get_status_display()},
                "",
                "",
                None,
                "",
            ]
            continue
        for d in docs:
            n += 1
            yield [
                n,
                d.number,
                order.case.number,
                order.get_kind_display(),
                order.institution.name,
                order.respondent.name,
                order.requested_amount,
                d.title,
                d.filename,
                d.issued_by_label,
                d.issued_at,
                d.sha256,
            ]


def documents_zip(orders, documents_by_order):
    """One zip: the stored bytes of every issued document and 目录.xlsx indexing them (文号, case, measure,
    file, signer, time, SHA-256), orders without documents listed with the reason."""
    index = ss.xlsx_bytes(
        [
            ss.Sheet(
                "文书目录",
                INDEX_COLUMNS,
                list(_index_rows(orders, documents_by_order)),
                preamble=[_("控制措施文书批量生成目录")],
            )
        ]
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("目录.xlsx", index)
        for order in orders:
            for document in documents_by_order.get(order.pk, []):
                zf.writestr(document.filename, issued.read(document))
    return buf.getvalue()
