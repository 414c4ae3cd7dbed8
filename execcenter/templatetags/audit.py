"""Filters of the audit page: action codes and object types in Chinese, details as text (execcenter.audit_labels)."""

from django import template
from django.apps import apps

from execcenter.audit_labels import action_label as _action_label
from execcenter.audit_labels import details_text

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    """ "case.file" → "立案"; an unknown code as itself."""
    return _action_label(code)


@register.filter
def audit_details(details) -> str:
    """{"note": "…"} → "备注：…"."""
    return details_text(details)


@register.filter
def object_type_label(object_type: str) -> str:
    """ "cases.case" → the model's verbose name (案件); a type that names no model (export, …) as stored."""
    try:
        return apps.get_model(object_type)._meta.verbose_name if "." in object_type else object_type
    except LookupError:
        return object_type
