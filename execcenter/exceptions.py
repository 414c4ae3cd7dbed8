from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused an operation; nothing was changed.

    Services raise it; the API answers `status` (409 for a wrong state, 400 for bad input) with the
    message, and HTML views show the message. `code` is stable for clients.
    """

    status = 409
    code = "conflict"

    def __init__(self, message, code=None, status=None, details=None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details or {}


class InvalidTransition(DomainError):
    code = "invalid_transition"


class RuleViolation(DomainError):
    """A legal rule forbids the request (over-freezing, term too long, ...)."""

    status = 400
    code = "rule_violation"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"

    def __init__(self, message=_("您无权执行此操作"), **kw):
        super().__init__(message, **kw)
