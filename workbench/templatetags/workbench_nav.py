from django import template

from ..nav import entries_for

register = template.Library()


@register.inclusion_tag("workbench/_nav_links.html", takes_context=True)
def nav_links(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "links": entries_for(user, request.path if request else "") if user is not None else [],
        "is_staff": getattr(user, "is_staff", False),
    }
