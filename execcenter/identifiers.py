"""Identifiers as people type them → the one ASCII form the product stores, compares and validates.

Resident ID numbers, credit codes, case numbers, phone numbers and amounts arrive typed on Chinese input methods
(full-width ６４０１…, （2024）), pasted from documents (a thin space, a zero-width space) or from other keyboards
(Arabic-Indic ٦٤٠١…). Python's `\\d` and `int()` accept all of those digits, so a check that runs on the raw text
lets them through and the record is stored as typed: one person became three party records, and an ASCII search
found one of them. So every identifier goes through `fold` once, where it enters (form and serializer fields,
filters, search, the public disclosure page, lookups), and is validated after that against ASCII-only patterns.

Shapes: every function takes any value (None → "") and returns a str; none of them raises.
"""

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def _ascii_digit(ch):
    # Any decimal digit of any script (Unicode category Nd: full-width, Arabic-Indic, Devanagari…) → "0"–"9".
    return str(unicodedata.decimal(ch)) if not ch.isascii() and ch.isdecimal() else ch


def fold(value):
    """NFKC (full-width letters, digits and brackets → ASCII), every decimal digit → ASCII, whitespace and invisible
    format characters (zero-width space, BOM, Unicode category Cf) removed. `"６４０ １０４"` → `"640104"`."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    text = "".join(_ascii_digit(ch) for ch in text if unicodedata.category(ch) != "Cf")
    return _WHITESPACE.sub("", text)


def normalise_id_number(value):
    """Resident ID number (GB 11643) or unified social credit code (GB 32100) in its stored form: folded, upper case.
    `"6４０１０４１９８５０３１２１０８x"` → `"64010419850312108X"`."""
    return fold(value).upper()


def normalise_case_number(value):
    """A whole or partial case number in its stored form: folded, brackets full-width as 《关于人民法院案件案号的若干
    规定》 writes them. `"(2023)宁0105执"` → `"（2023）宁0105执"`; `" （２０２４）宁0105执12号"` → `"（2024）宁0105执12号"`."""
    return fold(value).replace("(", "（").replace(")", "）")


def normalise_phone(value):
    """A phone number folded to ASCII: `"１３９ ５１００ ００００"` → `"13951000000"`, `"0951－6012345"` → `"0951-6012345"`."""
    return fold(value)
