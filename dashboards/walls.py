"""Masking for anything shown on a wall screen (docs/design.md §3, §7): a wall is public to the room.

Alert titles and messages are free text written by other apps; an ID number or a mobile number in
them is masked with execcenter.masking before it reaches a snapshot.
"""

import re

from execcenter.masking import mask_id_number, mask_phone

# \d matches full-width digits too; the check character may be a full-width Ｘ as typed into a free-text field.
_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXxＸｘ](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def wall_text(value):
    if not value:
        return value
    value = _ID.sub(lambda m: mask_id_number(m.group(0).upper()), value)
    return _MOBILE.sub(lambda m: mask_phone(m.group(0)), value)
