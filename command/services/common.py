"""Helpers shared by the command services: roles and the visibility rule applied to a single object."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.utils.translation import gettext as _

from execcenter.exceptions import DomainError, PermissionDenied
from execcenter.scope import court_ids_for, has_role, officer_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from execcenter.models import Court, Officer, PartnerClient

    Actor = User | PartnerClient

M = TypeVar("M")  # require_visible returns the object it was given


class NotVisible(DomainError):
    """The object lies outside the actor's scope: callers answer 404, never reveal that it exists."""

    status = 404
    code = "not_found"


def require_role(actor: Actor | None, *roles: str) -> None:
    if not has_role(actor, *roles):
        raise PermissionDenied()


def require_visible(actor: Actor | None, obj: M) -> M:
    """Refuse objects outside the actor's court scope (the one rule of execcenter.scope)."""
    manager = type(obj)._default_manager
    if not manager.visible_to(actor).filter(pk=obj.pk).exists():
        raise NotVisible(_("记录不存在 (not found)"))
    return obj


def court_in_scope(actor: Actor | None, court: Court) -> bool:
    ids = court_ids_for(actor)
    return ids is None or court.pk in ids


def acting_officer(actor: Actor | None) -> Officer | None:
    return officer_of(actor)
