"""Decision documents of credit punishment, issued as records when the measure is imposed (cases.documents):
the consumption restriction order (限制消费令, 《最高人民法院关于限制被执行人高消费及有关消费的若干规定》Art. 1, 3)
and the decision to list a dishonest debtor (纳入失信被执行人名单决定书, 《关于公布失信被执行人名单信息的若干规定》
Art. 1, 2, 5). Rendered once from the measure as it was decided, numbered in the court's yearly series
(（2026）宁0105执限1号 / 执失1号), stored with its hash, never regenerated."""

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from execcenter import docx_layout as layout

from . import documents as issued
from .choices import MeasureKind
from .models import DocumentKind

SERIES = {MeasureKind.CONSUMPTION_RESTRICTION: "执限", MeasureKind.DISHONEST: "执失"}
TITLES = {MeasureKind.CONSUMPTION_RESTRICTION: "限制消费令", MeasureKind.DISHONEST: "纳入失信被执行人名单决定书"}
BASIS = {
    MeasureKind.CONSUMPTION_RESTRICTION: "依照《最高人民法院关于限制被执行人高消费及有关消费的若干规定》第一条、第三条的规定",
    MeasureKind.DISHONEST: "依照《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条、第二条的规定",
}
ORDERS = {
    MeasureKind.CONSUMPTION_RESTRICTION: "限制被执行人{who}高消费及非生活和工作必需的消费行为：乘坐交通工具时选择飞机、列车软卧、"
    "轮船二等以上舱位；在星级以上宾馆、酒店等场所进行高消费；购买不动产或者新建、扩建、高档装修房屋；"
    "旅游、度假；子女就读高收费私立学校；支付高额保费购买保险理财产品等。",
    MeasureKind.DISHONEST: "将被执行人{who}纳入失信被执行人名单，期限自{start}起至{end}止。",
}


def render(measure):
    case, party = measure.case, measure.party
    doc = layout.new_document()
    layout.title(doc, case.court.name)
    layout.title(doc, TITLES[measure.kind])
    layout.paragraph(doc, measure.document_no, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    layout.paragraph(doc, f"被执行人：{party.name if party else ''}")
    layout.paragraph(
        doc,
        f"本院在执行{case.number}{case.cause}一案中，被执行人未按执行通知书指定的期间履行生效法律文书确定的给付义务"
        f"（申请执行标的 {case.claim_amount} 元，未执行金额 {case.outstanding_amount} 元）。",
    )
    if measure.kind == MeasureKind.DISHONEST and measure.legal_ground:
        layout.paragraph(doc, f"失信情形：{measure.get_legal_ground_display()}。")
    layout.paragraph(doc, BASIS[measure.kind] + "，决定如下：")
    layout.paragraph(
        doc,
        ORDERS[measure.kind].format(
            who=party.name if party else "", start=measure.starts_on, end=measure.ends_on or ""
        ),
    )
    layout.paragraph(doc, "如不服本决定，可以向本院申请纠正。本决定自作出之日起生效。")
    layout.paragraph(doc, f"{measure.decided_on:%Y年%m月%d日}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    layout.finish(doc)
    return layout.to_bytes(doc)


def issue_decision(measure, actor=None, request=None):
    """Number and store the decision of a consumption restriction or dishonest listing (once; others: None)."""
    if measure.kind not in SERIES:
        return None
    existing = issued.documents_of(measure).filter(kind=DocumentKind.DECISION).first()
    if existing is not None:
        return existing
    from .models import Measure

    if not measure.document_no:
        measure.document_no = issued.court_series_number(
            measure.case.court, timezone.localdate().year, SERIES[measure.kind]
        )
        Measure.objects.filter(pk=measure.pk).update(document_no=measure.document_no)
    return issued.issue(
        kind=DocumentKind.DECISION,
        number=measure.document_no,
        title=f"{TITLES[measure.kind]}（{measure.case.number}）",
        court=measure.case.court,
        case=measure.case,
        source=measure,
        content=render(measure),
        filename=f"{TITLES[measure.kind]}-{measure.document_no}.docx",
        actor=actor,
        personal_data=False,
        request=request,
    )
