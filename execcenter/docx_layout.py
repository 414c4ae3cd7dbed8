"""The one way the product writes .docx: GB/T 9704-2012 page, Chinese fonts on every run, zh-CN language.

Why this module exists: python-docx's default template sets the document defaults to *theme* fonts
(`w:eastAsiaTheme="minorEastAsia"`) with the East Asian language `ja-JP`, so any run without its own
`w:eastAsia` font (table cells filled with `cell.text`, for one) is drawn by Word/WPS in the theme's
Japanese face. Here the defaults, every style and every run name a Chinese face explicitly, theme
references are removed, and the language is zh-CN in the defaults, on every run, in the settings
(`w:themeFontLang`) and in the core properties.

Shapes: `new_document(draft=False)` → python-docx Document (A4, margins 37/35/28/26 mm);
`paragraph(doc, text, ...)` → Paragraph; `table(doc, header, rows)` → Table; `to_bytes(doc)` → bytes of
the .docx, after `finish(doc)` has given every run in body, tables, headers and footers its fonts.
Sizes are in points: 二号 22 pt (title), 三号 16 pt (body).
"""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"  # GB/T 9704 §7.3.1: title in 小标宋
TITLE_FALLBACK = "宋体"
BODY_FONT = "仿宋_GB2312"  # GB/T 9704 §7.3.2 body: 仿宋 三号
BODY_FALLBACK = "仿宋"
HEADING_FONT = "黑体"  # first-level headings: 黑体
LANGUAGE = "zh-CN"
TITLE_SIZE = 22  # 二号
BODY_SIZE = 16  # 三号
LINE_PITCH = 28.9  # 22 lines per page on the type area (GB/T 9704 §5.2.2)
DRAFT_MARK = "草稿"

_FONT_ATTRS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(rpr, east_asia, latin=None):
    """Name the faces of one run / style / default explicitly and drop the theme references."""
    fonts = rpr.get_or_add_rFonts()  # in schema order (after w:rStyle)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    latin = latin or east_asia
    for attr in _FONT_ATTRS:
        fonts.set(qn(attr), east_asia if attr == "w:eastAsia" else latin)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _rpr(run_element):
    return run_element.get_or_add_rPr()


def _chinese_defaults(doc):
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, BODY_FONT, BODY_FALLBACK)
    # Styles of the template (Normal, headings, Table Grid, …) carry theme fonts of their own.
    for style in styles.findall(qn("w:style")):
        style_rpr = style.find(qn("w:rPr"))
        if style_rpr is not None and style_rpr.find(qn("w:rFonts")) is not None:
            east = (
                HEADING_FONT
                if "Heading" in (style.get(qn("w:styleId")) or "") or "Title" in (style.get(qn("w:styleId")) or "")
                else BODY_FONT
            )
            _set_fonts(style_rpr, east, BODY_FALLBACK)
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)
        theme_lang.set(qn("w:eastAsia"), LANGUAGE)
    doc.core_properties.language = LANGUAGE


def new_document(*, draft=False):
    """An empty A4 document laid out after GB/T 9704 (margins: top 37, bottom 35, left 28, right 26 mm).

    `draft=True` puts 草稿 in the page header, which Word and WPS repeat on every page: a preview of a
    document that has not taken effect (never numbered)."""
    doc = Document()
    _chinese_defaults(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    if draft:
        header = section.header
        p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(f"{DRAFT_MARK}　未生效　无文号　{DRAFT_MARK}")
        run.bold = True
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
        style_run(run, HEADING_FONT, HEADING_FONT, 26)
    return doc


def style_run(run, font=BODY_FONT, fallback=BODY_FALLBACK, size=BODY_SIZE, bold=None):
    """Give one run its Chinese face (w:eastAsia), a Latin fallback, a size in points and zh-CN."""
    run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    _set_fonts(_rpr(run._element), font, fallback)
    return run


def paragraph(
    doc, text, *, font=BODY_FONT, fallback=BODY_FALLBACK, size=BODY_SIZE, align=None, indent=True, bold=False
):
    """One paragraph of one run with fixed 28.9 pt lines; `indent` = two characters on the first line."""
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(LINE_PITCH)
    p.paragraph_format.space_after = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    style_run(p.add_run(text), font, fallback, size, bold)
    return p


def title(doc, text):
    return paragraph(
        doc,
        text,
        font=TITLE_FONT,
        fallback=TITLE_FALLBACK,
        size=TITLE_SIZE,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )


def table(doc, header, rows, *, size=12):
    """A grid table: bold header row, one run per cell (fonts set by `finish`), values shown as given."""
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, header):
        style_run(cell.paragraphs[0].add_run(str(text)), HEADING_FONT, HEADING_FONT, size, True)
    for row in rows:
        for cell, value in zip(t.add_row().cells, row):
            style_run(cell.paragraphs[0].add_run("" if value is None else str(value)), BODY_FONT, BODY_FALLBACK, size)
    return t


def _all_runs(doc):
    parts = [doc.element.body]
    for section in doc.sections:
        for hf in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if not hf.is_linked_to_previous:
                parts.append(hf._element)
    for part in parts:
        yield from part.iter(qn("w:r"))


def finish(doc):
    """Every run in body, tables, headers and footers gets an East Asian face and zh-CN (runs made by
    library calls such as `cell.text` have none of their own)."""
    for r in _all_runs(doc):
        rpr = _rpr(r)
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None or not fonts.get(qn("w:eastAsia")) or any(fonts.get(qn(a)) for a in _THEME_ATTRS):
            _set_fonts(rpr, BODY_FONT, BODY_FALLBACK)
        else:
            _set_fonts(rpr, fonts.get(qn("w:eastAsia")), fonts.get(qn("w:ascii")))
    return doc


def to_bytes(doc):
    finish(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
