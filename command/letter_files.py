"""The assistance letter (协助调查函) as a .docx, issued once when the letter is sent (command.services.linkage
.send_letter) and kept as cases.IssuedDocument under the letter's own number (（2026）宁0105执协查3号).
Layout: execcenter.docx_layout (GB/T 9704; Chinese fonts and zh-CN on every run)."""

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from cases import documents as issued
from cases.choices import PartyRole
from cases.models import DocumentKind
from execcenter import docx_layout as layout
from execcenter.scope import officer_of

# 《中华人民共和国民事诉讼法》(2023) Art. 251-252: units and persons must assist the court's enforcement when notified.
BASIS = "《中华人民共和国民事诉讼法》第二百五十一条、第二百五十二条"
TITLE = "协助调查函"


def letter_docx(letter, sender_name):
    """→ bytes: court, title, number, addressee, the case and both parties, what is asked, by when, who signs."""
    case = letter.case
    names = {PartyRole.APPLICANT: [], PartyRole.RESPONDENT: []}
    for cp in case.case_parties.select_related("party").order_by("id"):
        names.setdefault(cp.role, []).append(cp.party.name)
    doc = layout.new_document()
    layout.title(doc, letter.court.name)
    layout.title(doc, TITLE)
    layout.paragraph(doc, letter.number, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    layout.paragraph(doc, f"{letter.unit.name}：", indent=False)
    layout.paragraph(
        doc,
        f"本院在执行申请执行人{'、'.join(names[PartyRole.APPLICANT]) or '—'}与被执行人"
        f"{'、'.join(names[PartyRole.RESPONDENT]) or '—'}{case.cause}一案（{case.number}）中，因执行需要，"
        f"依照{BASIS}之规定，请协助办理下列事项：",
    )
    layout.paragraph(doc, f"协助事项：{letter.subject}")
    for line in letter.request_text.splitlines() or [""]:
        layout.paragraph(doc, line)
    layout.paragraph(
        doc, f"请于{letter.due_on.year}年{letter.due_on.month}月{letter.due_on.day}日前将协助结果答复本院。"
    )
    layout.paragraph(doc, "")
    layout.paragraph(doc, f"承办人　{sender_name}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    day = timezone.localdate(letter.sent_at) if letter.sent_at else timezone.localdate()
    layout.paragraph(doc, f"{day.year}年{day.month}月{day.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    layout.paragraph(doc, "（院印）", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    return layout.to_bytes(doc)


def issue_letter(letter, actor=None, request=None):
    """Issue the letter's document once (idempotent); the signer is the sending officer."""
    officer = officer_of(actor) if actor is not None else None
    sender = officer.name if officer else (letter.case.assigned_judge.name if letter.case.assigned_judge else "")
    return issued.issue(
        kind=DocumentKind.LETTER,
        number=letter.number,
        title=f"{TITLE}（{letter.unit.name}）",
        court=letter.court,
        case=letter.case,
        source=letter,
        content=letter_docx(letter, sender),
        filename=f"{letter.number}-{TITLE}.docx",
        actor=actor,
        request=request,
    )


def letter_document(letter):
    return issued.documents_of(letter).filter(kind=DocumentKind.LETTER).first()
