"""Public pages (no login): the disclosure lookup and the linkage unit's answer form behind a signed link."""

from captcha import views as captcha_views
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from execcenter.exceptions import DomainError
from execcenter.policy_http import requires

from .. import disclosure, services
from ..choices import AnswerChannel, LetterStatus
from ..forms import DisclosureForm, LetterAnswerForm


def _uniform_failure():
    # One fixed body for every failure (no form, no token, no echo of the input): nothing to compare.
    return HttpResponse(render_to_string("command/disclosure_failed.html"), status=200)


def _limited():
    return HttpResponse(render_to_string("command/disclosure_limited.html"), status=429)


@never_cache
@require_http_methods(["GET", "POST"])
@requires("disclosure.lookup", public=True)
def disclosure_lookup(request):
    if request.method == "GET":
        key = disclosure.new_challenge(request)
        if key is None:
            return _limited()
        return render(request, "command/disclosure.html", {"form": DisclosureForm(), "captcha_key": key})
    if disclosure.over_ip_limit(request):
        return _limited()
    data = DisclosureForm(request.POST).data
    outcome, result = disclosure.lookup(
        request,
        data.get("case_number", ""),
        data.get("id_number", ""),
        data.get("captcha_key", ""),
        data.get("challenge", ""),
    )
    if outcome == "limited":
        return _limited()
    if result is None:
        return _uniform_failure()
    return render(request, "command/disclosure_result.html", {"p": result})


@never_cache
@require_http_methods(["GET", "POST"])
@requires("letter.answer_by_link", public=True)
def letter_answer(request, token):
    """A linkage unit without an API key answers through the signed link sent with the letter."""
    letter = services.letter_from_token(token)
    if letter is None:
        return render(request, "command/letter_answer_invalid.html", status=404)
    form = LetterAnswerForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_letter(
                None,
                letter,
                answer_text=form.cleaned_data["answer_text"],
                answered_by=form.cleaned_data["answered_by"],
                channel=AnswerChannel.FORM,
                request=request,
            )
            letter.refresh_from_db()
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "command/letter_answer.html",
        {
            "letter": letter,
            "form": form,
            "error": error,
            "answered": letter.status != LetterStatus.SENT,
            "title": _("协助调查函答复"),
        },
    )


@never_cache
@require_http_methods(["GET"])
@requires("disclosure.lookup", public=True)
def captcha_image(request, key):
    """The lookup's captcha image (django-simple-captcha's drawing, 1× only), within the address's image limit (429
    beyond). The library's refresh, audio and 2× routes are not routed: the page uses none of them, and refresh
    wrote a row for any anonymous caller."""
    if not disclosure.may_draw_image(request):
        return HttpResponse(status=429)
    return captcha_views.captcha_image(request, key, scale=1)
