"""Screen layouts: the carousel pages of a command centre's screen, and the always-visible frame."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import ModuleGroup

# Shown on every screen beside the carousel: the map, who is on duty, the alert ticker.
FRAME = ("m38", "m39", "m40")
PER_PAGE = 6


def default_pages():
    """One page per mechanism group (docs/design.md §4), at most six modules a page, frame modules excluded."""
    from .registry import all_modules

    pages = []
    for group in ModuleGroup:
        codes = [m.code for m in all_modules().values() if m.group == group and m.code not in FRAME]
        for i in range(0, len(codes), PER_PAGE):
            pages.append({"title": str(group.label), "modules": codes[i : i + PER_PAGE]})
    return pages


def validate_pages(pages):
    from .registry import all_modules

    known = all_modules()
    if not isinstance(pages, list) or not pages:
        raise ValidationError(_("至少需要一个轮播页面"))
    for page in pages:
        if not isinstance(page, dict) or not isinstance(page.get("modules"), list) or not page.get("title"):
            raise ValidationError(_("每个页面需要 title 和 modules 列表"))
        if not 1 <= len(page["modules"]) <= PER_PAGE:
            raise ValidationError(_("每页 1 至 %(n)d 个模块") % {"n": PER_PAGE})
        unknown = [c for c in page["modules"] if c not in known]
        if unknown:
            raise ValidationError(_("未知模块：%(codes)s") % {"codes": "、".join(map(str, unknown))})


def pages_for(layout):
    """The pages to show: the configured ones, without modules that are no longer registered."""
    from .registry import all_modules

    known = all_modules()
    pages = layout.pages if layout is not None else default_pages()
    out = []
    for page in pages:
        codes = [c for c in page.get("modules", []) if c in known and c not in FRAME]
        if codes:
            out.append({"title": page.get("title", ""), "modules": codes})
    return out or default_pages()
