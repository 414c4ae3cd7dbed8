"""The one permission policy: may this actor do this action to this record, in its current state, now?

Every service enforces it with `require`; API viewsets, HTML views, templates (`{% may %}`), the admin and
exports ask `may`. The rules themselves are declared per app in `<app>/rules.py` (a lower app cannot import a
higher app's states) and registered here when the apps load; docs/permissions.md is generated from them
(`manage.py permissions_table`).

Actors (docs/design.md §1, §2):
- ``None`` is the system itself (beat, workers, the demo generator): code, not a person; it may do everything.
- An anonymous visitor may do only the actions declared ``public`` (the disclosure lookup).
- An officer acts by the roles of their Officer profile (execcenter.choices.Role) within their court's subtree;
  actions that change a court's records (``own_court=True``) are reserved for that court's own officers —
  higher courts supervise what they see, they act on a lower court's case only after a transfer.
- A superuser is the system administrator: the admin site and partner keys, reading what the auditor reads;
  never case work, money or approvals (separation of duties).
- A partner key (PartnerClient) acts by its kind, its listed actions, its court subtree and, for a bank or
  registry gateway, its institution.

The order of the checks is fixed so that a refusal reveals nothing: scope first (404 — the record is
"absent"), then role or key (403), then the record's state (409).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from execcenter.exceptions import DomainError, InvalidTransition, PermissionDenied
from execcenter.scope import court_ids_for, is_partner, officer_of


class NotFound(DomainError):
    """The record lies outside the actor's scope: answered exactly like a record that does not exist."""

    status = 404
    code = "not_found"


# A state or extra check returns None when the action is allowed, else the message to show.
StateCheck = Callable[[object], str | None]
ActorCheck = Callable[[object, object], str | None]


@dataclass(frozen=True)
class Rule:
    """Who may do one action.

    roles: officer roles (Role values) that may; partner_kinds + partner_action: the partner keys that may (a key
    of one of those kinds holding that PartnerAction); admin: the superuser may; public: anyone, even anonymous;
    own_court: the record must belong to the officer's own court (not merely a court they see);
    state(record): why the record's state forbids it (409); check(actor, record): an actor-specific refusal such
    as four-eyes (403). `area` and `label` name it in docs/permissions.md.
    """

    action: str
    label: str
    roles: frozenset = frozenset()
    partner_kinds: frozenset = frozenset()
    partner_action: str = ""
    admin: bool = False
    public: bool = False
    own_court: bool = False
    state: StateCheck | None = None
    check: ActorCheck | None = None
    basis: str = ""

    @property
    def area(self):
        return self.action.split(".", 1)[0]


RULES: dict[str, Rule] = {}


def define(
    action,
    label,
    *,
    roles=(),
    partner_kinds=(),
    partner_action="",
    admin=False,
    public=False,
    own_court=False,
    state=None,
    check=None,
    basis="",
):
    """Register the rule of `action` ("<area>.<verb>"); each action is defined once (ValueError otherwise)."""
    if action in RULES:
        raise ValueError(f"permission rule {action!r} defined twice")
    if bool(partner_kinds) != bool(partner_action):
        raise ValueError(f"{action}: partner_kinds and partner_action go together")
    RULES[action] = Rule(
        action,
        label,
        frozenset(str(r) for r in roles),
        frozenset(str(k) for k in partner_kinds),
        str(partner_action),
        admin,
        public,
        own_court,
        state,
        check,
        basis,
    )
    return RULES[action]


def rule(action):
    try:
        return RULES[action]
    except KeyError:
        raise LookupError(f"no permission rule for {action!r}: declare it in <app>/rules.py") from None


@dataclass(frozen=True)
class Refusal:
    """Why an action is refused: the exception class (404/403/409) and the message for the user."""

    error: type
    message: str = field(default="")

    def exception(self):
        return self.error(self.message) if self.message else self.error()


# How a record reaches its court when it has none of its own: a round → its item → its case → the court; a
# handover → its shift → its command centre → the court.
OWNER_PATHS = ("case", "item", "centre", "shift")


def court_id_of(record, depth=0):
    """The id of the court that owns `record` (its own court, or its case's, centre's, ...), or None for records
    no court owns (institutions, parties)."""
    if record is None or depth > 3:
        return None
    if type(record).__name__ == "Court":
        return record.pk
    court_id = getattr(record, "court_id", None)
    if court_id is not None:
        return court_id
    for attr in OWNER_PATHS:
        owner = getattr(record, attr, None)
        if owner is not None:
            return court_id_of(owner, depth + 1)
    return None


def institution_code_of(record):
    """The institution a task (query result, control order) is addressed to, or ''."""
    institution = getattr(record, "institution", None)
    return getattr(institution, "code", "") if institution is not None else ""


def _in_scope(actor, record):
    """The visibility rule (execcenter.scope) applied to one record. A record that belongs to several courts (an
    operation: its organiser and every court taking part) says so with `policy_court_ids()`."""
    if hasattr(record, "policy_court_ids"):
        owners = set(record.policy_court_ids())
    else:
        owner = court_id_of(record)
        owners = {owner} if owner is not None else set()
    if not owners:
        return True
    ids = court_ids_for(actor)
    return ids is None or bool(owners.intersection(ids))


def explain(actor, action, record=None):
    """None when `actor` may do `action` to `record` now, else a Refusal saying why (404, 403 or 409)."""
    r = rule(action)
    if actor is None:  # the system: beat, workers, the demo generator
        return r.state and _state_refusal(r, record)
    if r.public:
        return _state_refusal(r, record)
    if not getattr(actor, "is_authenticated", False):
        return Refusal(PermissionDenied, _("请先登录 (please log in)"))
    if record is not None and not _in_scope(actor, record):
        return Refusal(NotFound, _("记录不存在 (not found)"))
    if is_partner(actor):
        refusal = _partner_refusal(r, actor, record)
    elif getattr(actor, "is_superuser", False):
        refusal = (
            None
            if r.admin
            else Refusal(PermissionDenied, _("系统管理员不办理案件业务 (administrators do no case work)"))
        )
    else:
        refusal = _officer_refusal(r, actor, record)
    if refusal is not None:
        return refusal
    if r.check is not None and record is not None:
        message = r.check(actor, record)
        if message:
            return Refusal(PermissionDenied, message)
    return _state_refusal(r, record)


def _partner_refusal(r, actor, record):
    if not actor.is_active or actor.kind not in r.partner_kinds or not actor.allows(r.partner_action):
        return Refusal(PermissionDenied, _("该 API 密钥无权执行此操作 (this API key is not allowed to do this)"))
    own = getattr(actor, "institution_code", "")
    if own and record is not None and institution_code_of(record) != own:
        # A gateway sees only the tasks addressed to its own institution: anything else is absent for it.
        return Refusal(NotFound, _("记录不存在 (not found)"))
    return None


def _officer_refusal(r, actor, record):
    officer = officer_of(actor)
    if officer is None or not r.roles.intersection(officer.roles):
        return Refusal(
            PermissionDenied, _("您的角色无权执行此操作：%(what)s (your role may not do this)") % {"what": r.label}
        )
    if r.own_court and record is not None:
        court_id = court_id_of(record)
        if court_id is not None and court_id != officer.court_id:
            return Refusal(PermissionDenied, _("只能办理本院的案件 (only the owning court's officers may do this)"))
    return None


def _state_refusal(r, record):
    if r.state is None or record is None:
        return None
    message = r.state(record)
    return Refusal(InvalidTransition, message) if message else None


def may(actor, action, record=None):
    """True when `actor` may do `action` to `record` now (for templates, menus, buttons, exports)."""
    return explain(actor, action, record) is None


def require(actor, action, record=None):
    """Raise NotFound (404), PermissionDenied (403) or InvalidTransition (409) unless `actor` may; services call it
    first, before changing anything."""
    refusal = explain(actor, action, record)
    if refusal is not None:
        raise refusal.exception()


def allowed_actions(actor, record=None, prefix=""):
    """The actions (of `prefix`'s area) `actor` may do to `record` now: the buttons a page shows."""
    return {a for a in RULES if a.startswith(prefix) and may(actor, a, record)}


def partner_may_call(action):
    """(kinds, PartnerAction) of the keys an endpoint mapped to `action` admits: what the API declares."""
    r = rule(action)
    return sorted(r.partner_kinds), r.partner_action
