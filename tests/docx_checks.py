"""Checks on .docx bytes read straight from the package XML (not through python-docx, which would hide
what a run lacks): every run in body, headers and footers names an East Asian font and no theme font,
and the language is zh-CN in the defaults, the settings and the core properties."""

import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def _w(name):
    return f"{{{W}}}{name}"


def runs_without_chinese_font(content):
    """[(part, text)] of every run whose own properties lack w:eastAsia, name a theme font or another language."""
    bad = []
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        parts = [n for n in zf.namelist() if n == "word/document.xml" or n.startswith(("word/header", "word/footer"))]
        assert "word/document.xml" in parts
        total = 0
        for part in parts:
            root = etree.fromstring(zf.read(part))
            for run in root.iter(_w("r")):
                total += 1
                fonts = run.find("w:rPr/w:rFonts", NS)
                lang = run.find("w:rPr/w:lang", NS)
                text = "".join(run.itertext())
                if (
                    fonts is None
                    or not fonts.get(_w("eastAsia"))
                    or any(fonts.get(_w(a)) for a in THEME_ATTRS)
                    or lang is None
                    or lang.get(_w("eastAsia")) != "zh-CN"
                ):
                    bad.append((part, text))
        assert total > 0, "a document without runs proves nothing"
    return bad


def document_language(content):
    """(docDefaults East Asian language, settings themeFontLang East Asian, core language, docDefaults eastAsia font)."""
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        styles = etree.fromstring(zf.read("word/styles.xml"))
        settings = etree.fromstring(zf.read("word/settings.xml"))
        core = zf.read("docProps/core.xml").decode()
    rpr = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    theme_lang = settings.find("w:themeFontLang", NS)
    language = core.split("<dc:language>")[1].split("</dc:language>")[0] if "<dc:language>" in core else ""
    return (
        rpr.find("w:lang", NS).get(_w("eastAsia")),
        theme_lang.get(_w("eastAsia")) if theme_lang is not None else None,
        language,
        rpr.find("w:rFonts", NS).get(_w("eastAsia")),
    )


def assert_chinese_docx(content):
    assert runs_without_chinese_font(content) == []
    east_lang, theme_lang, core_lang, default_font = document_language(content)
    assert (east_lang, theme_lang, core_lang) == ("zh-CN", "zh-CN", "zh-CN")
    assert default_font


def docx_text(content):
    """All text of body, tables, headers and footers, in document order per part."""
    out = []
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for part in sorted(
            n for n in zf.namelist() if n == "word/document.xml" or n.startswith(("word/header", "word/footer"))
        ):
            root = etree.fromstring(zf.read(part))
            out.append("\n".join("".join(p.itertext()) for p in root.iter(_w("p"))))
    return "\n".join(out)


def header_texts(content):
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return ["".join(etree.fromstring(zf.read(n)).itertext()) for n in zf.namelist() if n.startswith("word/header")]
