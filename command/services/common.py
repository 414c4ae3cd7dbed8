"""Helpers shared by the command services: roles and the visibility rule applied to a single object."""

from django.utils.translation import gettext as _

from execcenter.exceptions import DomainError, PermissionDenied
from execcenter.scope import court_ids_for, has_role, officer_of


class NotVisible(DomainError):
    """The object lies outside the actor's scope: callers answer 404, never reveal that it exists."""

    status = 404
    code = "not_found"


def require_role(actor, *roles):
    if not has_role(actor, *roles):
        raise PermissionDenied()


def require_visible(actor, obj):
    """Refuse objects outside the actor's court scope (the one rule of execcenter.scope)."""
    manager = type(obj)._default_manager
    if not manager.visible_to(actor).filter(pk=obj.pk).exists():
        raise NotVisible(_("记录不存在 (not found)"))
    return obj


def court_in_scope(actor, court):
    ids = court_ids_for(actor)
    return ids is None or court.pk in ids


def acting_officer(actor):
    return officer_of(actor)
