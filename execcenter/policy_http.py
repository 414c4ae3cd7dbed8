"""The permission policy for the browser pages: a view decorator, a record loader and the page a refusal shows.

- `@requires("case.read")` on every HTML view: login, then the policy's answer for the kind of action (role).
  On a record's route (`model=`), the record named by the URL is loaded through the visibility rule first, so
  that a record outside the scope answers 404 whatever the role, and the policy is asked with the record and its
  state (403 / 409). The view's own services ask again for the exact step they carry out. The action is kept on
  the view (`view.policy_action`): tests/permissions reads it to find every route's rule.
- `PolicyRefusalMiddleware` turns a policy or service refusal that escapes a view (execcenter.exceptions.DomainError)
  into a page with its status (403 / 409 / 404) and its Chinese/English message, instead of a 500.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from execcenter import policy
from execcenter.exceptions import DomainError


def requires(action, *, model=None, lookup="pk", public=False):
    """Decorate an HTML view with the policy action its route stands for; `model` + `lookup` name the URL's record
    (checked with it); `public` views need no login (the rule must be public too)."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if model is not None and lookup in kwargs:
                record = get_object_or_404(model._default_manager.visible_to(request.user), pk=kwargs[lookup])
                policy.require(request.user, action, record)
            else:
                policy.require(request.user, action)
            return view(request, *args, **kwargs)

        wrapped = checked if public else login_required(checked)
        wrapped.policy_action = action
        wrapped.policy_model = model
        return wrapped

    return decorate


def load(request, queryset, action, **lookup):
    """The record of `queryset` matching `lookup` that the user may see (404 otherwise), once the policy allows
    `action` on it now (403 / 409 otherwise)."""
    record = get_object_or_404(
        queryset.visible_to(request.user) if hasattr(queryset, "visible_to") else queryset, **lookup
    )
    policy.require(request.user, action, record)
    return record


class PolicyRefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None  # the API answers DomainError itself (execcenter.api.exceptions)
        if exception.status == 404:
            raise Http404(str(exception.message))
        return render(
            request,
            "execcenter/refused.html",
            {"message": exception.message, "status": exception.status},
            status=exception.status,
        )


def reraise_refusal(exc):
    """For views that turn a service's DomainError into a message on the next page (302): a refusal of the actor
    (403) or of scope (404) is not a message but the answer — raised again for PolicyRefusalMiddleware, so a
    browser gets the status the policy gives, as the API does (issue 10: 403, never "done, go on")."""
    if exc.status in (403, 404):
        raise exc
