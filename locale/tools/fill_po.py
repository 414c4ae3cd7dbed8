"""Keep locale/en/LC_MESSAGES/django.po fully translated.

The msgids are Simplified Chinese; the English msgstrs are written by a person. This script only moves
text around so that a translator does not hand-edit a 100-kB .po file:

    fill_po.py dump  OUT.tsv     untranslated and fuzzy entries as "N<TAB>msgid<TAB>current msgstr"
    fill_po.py apply OUT.tsv ANSWERS.tsv
                                 ANSWERS has "N<TAB>English" lines (N from the dump); writes each
                                 msgstr, drops the fuzzy flag, refuses a translation whose
                                 placeholders or HTML tags differ from the msgid's
    fill_po.py check             exit 1 when an entry is untranslated, fuzzy or has mismatched
                                 placeholders

Run makemessages before dump and compilemessages after apply. Obsolete (#~) entries are dropped:
makemessages has already merged what still exists, and the compiled .mo never contains them.
No third-party parser (polib) is needed: the format written by msgmerge is regular enough.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

PO_PATH = Path(__file__).resolve().parents[1] / "en" / "LC_MESSAGES" / "django.po"

# %(name)s, %s, %d, %%, {name}; Django templates use %(name)s for blocktrans variables.
PLACEHOLDER_RE = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdfr]|%[sdfr]|%%|\{[A-Za-z_][A-Za-z0-9_]*\}")
TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*")


def unquote(s: str) -> str:
    body = s.strip()
    assert body.startswith('"') and body.endswith('"'), body
    body = body[1:-1]
    out, i = [], 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)  # "#:", "#.", "# " lines, kept verbatim
    flags: list[str] = field(default_factory=list)
    msgid_lines: list[str] = field(default_factory=list)  # verbatim, so the msgid is never altered
    msgid: str = ""
    msgstr: str = ""
    obsolete: bool = False

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def render(self) -> str:
        lines = list(self.comments)
        if self.flags:
            lines.append("#, " + ", ".join(self.flags))
        lines.extend(self.msgid_lines)
        if "\n" in self.msgstr.rstrip("\n") or len(self.msgstr) > 70:
            lines.append('msgstr ""')
            parts = re.split(r"(?<=\n)", self.msgstr)
            lines.extend(quote(p) for p in parts if p)
        else:
            lines.append("msgstr " + quote(self.msgstr))
        return "\n".join(lines)


def split_entries(text: str) -> list[list[str]]:
    """Lines of each entry. An entry ends at a blank line or where the next one's comments or msgid
    begin right after a msgstr (Django's makemessages glues the first entry to the header)."""
    blocks, cur, in_msgstr = [], [], False
    for line in text.splitlines():
        starts_new = not line.strip() or (in_msgstr and not line.startswith('"') and not line.startswith('#~ "'))
        if starts_new and cur:
            blocks.append(cur)
            cur, in_msgstr = [], False
        if not line.strip():
            continue
        cur.append(line)
        if line.startswith(("msgstr", "#~ msgstr")):
            in_msgstr = True
    if cur:
        blocks.append(cur)
    return blocks


def parse(text: str) -> tuple[str, list[Entry]]:
    """Return (header entry verbatim, entries)."""
    blocks = split_entries(text)
    header, entries = "\n".join(blocks[0]), []
    assert '\nmsgid ""\nmsgstr ""' in "\n" + header, "the first entry must be the header"
    for block in blocks[1:]:
        e, key = Entry(), None
        for line in block:
            if line.startswith("#~"):
                e.obsolete = True
            elif line.startswith("#,"):
                e.flags = [f.strip() for f in line[2:].split(",") if f.strip()]
            elif line.startswith("#|"):
                continue  # previous msgid of a fuzzy match; meaningless once reviewed
            elif line.startswith("#"):
                e.comments.append(line)
            elif line.startswith("msgid "):
                key = "msgid"
                e.msgid_lines.append(line)
                e.msgid += unquote(line[6:])
            elif line.startswith("msgstr "):
                key = "msgstr"
                e.msgstr += unquote(line[7:])
            elif line.startswith('"'):
                if key == "msgid":
                    e.msgid_lines.append(line)
                    e.msgid += unquote(line)
                elif key == "msgstr":
                    e.msgstr += unquote(line)
            else:
                raise ValueError(f"unexpected line in .po: {line!r}")
        if not e.obsolete:
            entries.append(e)
    return header, entries


def write(path: Path, header: str, entries: list[Entry]) -> None:
    path.write_text(header + "\n\n" + "\n\n".join(e.render() for e in entries) + "\n", encoding="utf-8")


def placeholders(s: str) -> tuple:
    """Named placeholders as a set (English may name a value once where the Chinese repeats it);
    positional ones as a list, since their order is their meaning; %% only whether present."""
    found = PLACEHOLDER_RE.findall(s)
    named = frozenset(p for p in found if p.startswith(("%(", "{")))
    positional = [p for p in found if p in ("%s", "%d", "%f", "%r")]
    return named, positional, "%%" in found


def problems(e: Entry) -> list[str]:
    found = []
    if not e.msgstr:
        found.append("untranslated")
    if e.fuzzy:
        found.append("fuzzy")
    if e.msgstr:
        if placeholders(e.msgid) != placeholders(e.msgstr):
            found.append("placeholders differ")
        if sorted(TAG_RE.findall(e.msgid)) != sorted(TAG_RE.findall(e.msgstr)):
            found.append("HTML tags differ")
        if re.search(r"[\u4e00-\u9fff]", ALLOWED_CJK.sub("", e.msgstr)):
            found.append("Chinese left in English text")
    return found


# Chinese may stay only where it is the thing itself: an example case number such as （2023）宁0105执123号
# (with its literal "号"), a court code such as 宁0105, and the language switcher's own name 简体中文.
ALLOWED_CJK = re.compile(r"[（(]\d{4}[）)]宁\d*执[恢保异复监协]?\d+号|宁\d+|\"号\"|简体中文")


def cmd_dump(out: Path) -> None:
    _, entries = parse(PO_PATH.read_text(encoding="utf-8"))
    rows = [e for e in entries if not e.msgstr or e.fuzzy]
    with out.open("w", encoding="utf-8") as f:
        for n, e in enumerate(rows, 1):
            f.write(f"{n}\t{quote(e.msgid)}\t{quote(e.msgstr)}\n")
    print(f"{len(rows)} entries to translate -> {out}")


def cmd_apply(dump: Path, answers: Path) -> None:
    wanted = {}
    for line in dump.read_text(encoding="utf-8").splitlines():
        n, msgid, _ = line.split("\t")
        wanted[n] = unquote(msgid)
    header, entries = parse(PO_PATH.read_text(encoding="utf-8"))
    by_id = {e.msgid: e for e in entries}
    done, bad = 0, []
    for line in answers.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        n, english = line.split("\t", 1)
        e = by_id.get(wanted[n.strip()])
        if e is None:
            continue  # the string disappeared from the code since the dump
        e.msgstr = english.strip("\r\n").replace("\\n", "\n")  # spaces may matter (a prefix)
        e.flags = [f for f in e.flags if f != "fuzzy"]
        issues = [p for p in problems(e) if p not in ("fuzzy",)]
        if issues:
            bad.append(f"{n}: {issues}: {e.msgid!r} -> {e.msgstr!r}")
        done += 1
    header = header.replace("#, fuzzy\n", "", 1)
    header = re.sub(r'"Language: [^"]*\\n"', '"Language: en\\\\n"', header)
    write(PO_PATH, header, entries)
    print(f"applied {done}")
    for b in bad:
        print("CHECK", b)


def cmd_check() -> int:
    _, entries = parse(PO_PATH.read_text(encoding="utf-8"))
    bad = [(e.msgid, problems(e)) for e in entries if problems(e)]
    for msgid, p in bad:
        print(p, repr(msgid))
    print(f"{len(entries)} entries, {len(bad)} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    if cmd == "dump":
        cmd_dump(Path(args[0]))
    elif cmd == "apply":
        cmd_apply(Path(args[0]), Path(args[1]))
    elif cmd == "check":
        sys.exit(cmd_check())
    else:
        sys.exit(__doc__)
