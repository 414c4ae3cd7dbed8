"""`{{ value|tone }}`: the badge colour of a status or severity, one map for every page.

Each value names its own colour (red = needs action or failed, amber = waiting / in between, green = done), so the
eight pages that used to spell out `{% if x.status == … %}red{% elif … %}` each show the same thing the same way.
The values of the different choice sets do not collide, so one map serves them all.
"""

from django import template

register = template.Library()

TONES = {
    "red": {
        "critical",
        "high",  # alert / warning severity, incident severity
        "failed",
        "rejected",
        "lapsed",  # control orders that did not or no longer hold
        "overdue",  # deadline state
    },
    "amber": {
        "warning",
        "medium",
        "draft",
        "submitted",
        "approved",
        "sent",  # control orders on their way
        "suspended",  # a case standing still
        "near",
    },
    "green": {"done", "closed", "ok"},
}
_TONE_OF = {value: tone for tone, values in TONES.items() for value in values}


@register.filter
def tone(value) -> str:
    """The CSS class (`red` / `amber` / `green`, or "" for no colour) of a status or severity value."""
    return _TONE_OF.get(str(value), "")
