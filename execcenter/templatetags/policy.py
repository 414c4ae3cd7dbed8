"""`{% may "case.close.request" case as can_close %}`: templates ask the one permission policy which buttons to show."""

from django import template

from execcenter import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action, record=None):
    """True when the page's user may do `action` (to `record`) now; the service asks again when it is done."""
    request = context.get("request")
    return request is not None and policy.may(request.user, action, record)
