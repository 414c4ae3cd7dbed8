"""The design the code cites is in the repository, and every citation points at a section that exists."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITATION = re.compile(r"docs/design\.md §(\d+)((?:, §\d+)*)")


def tracked_text_files():
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        path = ROOT / name
        if (
            path.suffix in {".py", ".md", ".html", ".js", ".css", ".txt", ".toml", ".cfg", ".ini"}
            or path.name == "Makefile"
        ):
            if path.is_file():
                yield path


def design_sections():
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    return {int(n) for n in re.findall(r"^## (\d+)\. ", text, flags=re.M)}


def test_design_has_the_seven_sections_the_code_cites():
    assert design_sections() == set(range(1, 8))


def test_every_design_citation_names_an_existing_section_and_none_cites_the_absent_file():
    sections, cited, stale = design_sections(), 0, []
    for path in tracked_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = path.relative_to(ROOT).as_posix()
        if rel == "docs/design.md":
            continue
        for m in CITATION.finditer(text):
            numbers = [int(m.group(1))] + [int(n) for n in re.findall(r"\d+", m.group(2))]
            cited += 1
            stale += [f"{rel}: §{n}" for n in numbers if n not in sections]
        # The old name was a file outside the repository; a reader could not follow it.
        if re.search(r"(?<![\w/])DESIGN\.md", text) and rel != "tests/foundation/test_docs.py":
            stale.append(f"{rel}: cites DESIGN.md")
    assert stale == []
    assert cited >= 30  # the code does cite it (37 citations when it was written)


def test_glossary_exists_and_design_links_it():
    assert (ROOT / "docs" / "glossary.md").is_file()
    assert "glossary.md" in (ROOT / "docs" / "design.md").read_text(encoding="utf-8")


def test_glossary_names_every_order_kind_and_status_the_code_has():
    from querycontrol.choices import OrderKind, OrderStatus

    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    missing = [v for v in [*OrderKind.values, *OrderStatus.values] if v not in text]
    assert missing == []
