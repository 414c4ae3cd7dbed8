from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Case
from execcenter.models import Court
from execcenter.policy_http import requires

from .. import services
from ..forms import LetterForm
from ..letter_files import letter_document
from ..models import AssistanceLetter
from .common import domain_action, scoped_object


def _scope_court(request):
    officer = getattr(request.user, "officer", None)
    return officer.court if officer else Court.objects.filter(parent__isnull=True).first()


@requires("letter.read")
def letter_list(request):
    letters = AssistanceLetter.objects.visible_to(request.user).select_related("unit", "case")
    status = request.GET.get("status")
    if status:
        letters = letters.filter(status=status)
    court = _scope_court(request)
    return render(
        request,
        "command/letter_list.html",
        {
            "letters": letters[:200],
            "units": services.unit_counts(court, townships=False) if court else [],
            "townships": services.unit_counts(court, townships=True) if court else [],
        },
    )


@requires("letter.send")
@domain_action
def letter_send(request):
    form = LetterForm(request.POST or None, actor=request.user, initial={"case_number": request.GET.get("case", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        case = Case.objects.visible_to(request.user).by_number(d["case_number"]).first()
        if case is None:
            form.add_error("case_number", _("案号不存在或不在您的范围内"))
        else:
            letter = services.send_letter(
                request.user,
                case,
                d["unit"],
                subject=d["subject"],
                request_text=d["request_text"],
                due_on=d["due_on"],
                request=request,
            )
            messages.success(request, _("协助调查函 %(n)s 已推送") % {"n": letter.number})
            return redirect("command:letter-detail", letter.pk)
    return render(request, "command/form.html", {"form": form, "title": _("发送协助调查函")})


@requires("letter.read", model=AssistanceLetter)
def letter_detail(request, pk):
    letter = scoped_object(request, AssistanceLetter, pk)
    link = request.build_absolute_uri(reverse("command:letter-answer", args=[services.answer_token(letter)]))
    return render(
        request,
        "command/letter_detail.html",
        {"letter": letter, "answer_link": link, "document": letter_document(letter)},
    )


@requires("letter.manage", model=AssistanceLetter)
@require_POST
@domain_action
def letter_transition(request, pk, action):
    if action not in ("close", "withdraw"):
        raise Http404
    letter = scoped_object(request, AssistanceLetter, pk)
    if action == "close":
        services.close_letter(request.user, letter, request.POST.get("note", ""), request=request)
    else:
        services.withdraw_letter(request.user, letter, request=request)
    return redirect("command:letter-detail", pk)
