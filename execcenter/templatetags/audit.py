"""Filters of the audit page: action codes and object types in Chinese, details as text (execcenter.audit_labels)."""

from django import template

from execcenter.audit_labels import action_label as _action_label
from execcenter.audit_labels import details_text
from execcenter.audit_labels import object_type_label as _object_type_label

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
    return _object_type_label(object_type)
