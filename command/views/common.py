from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme

from execcenter.exceptions import DomainError


def scoped_object(request, model, pk, *related):
    """The object (with `related` fetched alongside) if the user's scope contains it, else 404 (never 403-with-details)."""
    return get_object_or_404(model.objects.visible_to(request.user).select_related(*related), pk=pk)


def back(request):
    """Where to return after a refused action: the page it was posted from when that is a page of this site, else the
    posted-to path (a Referer naming another host would make this an open redirect)."""
    referer = request.META.get("HTTP_REFERER") or ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return request.path


def domain_action(view):
    """Run a POST action; a refused rule (400 / 409) becomes a message and a redirect back, not a 500. A permission
    refusal (403) or a record outside the scope (404) keeps its status: execcenter.policy_http renders it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if exc.status == 404:
                raise Http404 from exc
            if exc.status == 403:
                raise
            messages.error(request, exc.message)
            return redirect(back(request))

    return wrapper
