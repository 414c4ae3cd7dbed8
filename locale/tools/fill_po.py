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
The .po file is read and written by polib (pinned in requirements.txt), not by hand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polib

PO_PATH = Path(__file__).resolve().parents[1] / "en" / "LC_MESSAGES" / "django.po"

# %(name)s, %s, %d, %%, {name}; Django templates use %(name)s for blocktrans variables.
PLACEHOLDER_RE = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdfr]|%[sdfr]|%%|\{[A-Za-z_][A-Za-z0-9_]*\}")
TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*")


def quote(s: str) -> str:
    """One line of the dump file: the text as a .po string literal (escapes newlines, tabs and quotes)."""
    return '"' + polib.escape(s) + '"'


def unquote(s: str) -> str:
    """The inverse of `quote`."""
    body = s.strip()
    if not (body.startswith('"') and body.endswith('"')):
        raise ValueError(f"not a quoted string: {s!r}")
    return polib.unescape(body[1:-1])


def load(path: Path = PO_PATH) -> polib.POFile:
    """The catalogue, parsed by polib (the header is `po.metadata`, entries are `polib.POEntry`)."""
    return polib.pofile(str(path), wrapwidth=79)


def parse(text: str) -> tuple[dict, list[polib.POEntry]]:
    """(header metadata, live entries) of a .po file's text; obsolete (#~) entries are left out."""
    po = polib.pofile(text, wrapwidth=79)
    return po.metadata, [e for e in po if not e.obsolete]


def placeholders(s: str) -> tuple:
    """Named placeholders as a set (English may name a value once where the Chinese repeats it);
    positional ones as a list, since their order is their meaning; %% only whether present."""
    found = PLACEHOLDER_RE.findall(s)
    named = frozenset(p for p in found if p.startswith(("%(", "{")))
    positional = [p for p in found if p in ("%s", "%d", "%f", "%r")]
    return named, positional, "%%" in found


def problems(e: polib.POEntry) -> list[str]:
    found = []
    if not e.msgstr:
        found.append("untranslated")
    if "fuzzy" in e.flags:
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
    rows = [e for e in entries if not e.msgstr or "fuzzy" in e.flags]
    with out.open("w", encoding="utf-8") as f:
        for n, e in enumerate(rows, 1):
            f.write(f"{n}\t{quote(e.msgid)}\t{quote(e.msgstr)}\n")
    print(f"{len(rows)} entries to translate -> {out}")


def cmd_apply(dump: Path, answers: Path) -> None:
    wanted = {}
    for line in dump.read_text(encoding="utf-8").splitlines():
        n, msgid, _ = line.split("\t")
        wanted[n] = unquote(msgid)
    po = load()
    by_id = {e.msgid: e for e in po if not e.obsolete}
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
        e.previous_msgid = e.previous_msgid_plural = e.previous_msgctxt = None  # meaningless once reviewed
        issues = [p for p in problems(e) if p not in ("fuzzy",)]
        if issues:
            bad.append(f"{n}: {issues}: {e.msgid!r} -> {e.msgstr!r}")
        done += 1
    po.metadata_is_fuzzy = False
    po.metadata["Language"] = "en"
    for e in [e for e in po if e.obsolete]:  # makemessages has already merged what still exists
        po.remove(e)
    po.save(str(PO_PATH))
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
