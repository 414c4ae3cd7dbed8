"""Enforcement petitions (执行信访) in the browser: the register with filters, receiving one, its reply and closure.

Reading follows the API (any officer, within the visibility rule); every change goes through
command.services.petitions, which holds the roles, so a refused action reads the same wherever it comes from."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from execcenter.exceptions import DomainError
from execcenter.models import AuditLog
from execcenter.policy import may, require
from execcenter.policy_http import requires

from .. import services
from ..choices import PetitionStatus
from ..forms import PetitionCloseForm, PetitionFilterForm, PetitionReceiveForm, PetitionReplyForm
from ..models import Petition
from .common import scoped_object

PAGE_SIZE = 50

# name: (form class, the policy action it is, handler(petition, data, actor, request), success message)
ACTIONS = {
    "reply": (
        PetitionReplyForm,
        "petition.receive",
        lambda p, d, a, r: services.reply_petition(a, p, d["reply"], request=r),
        gettext_lazy("答复意见已保存"),
    ),
    "close": (
        PetitionCloseForm,
        "petition.close",
        lambda p, d, a, r: services.close_petition(a, p, d["reply"], request=r),
        gettext_lazy("信访已办结"),
    ),
}
# Audit actions shown as the petition's history.
HISTORY_LABELS = {
    "petition.receive": gettext_lazy("登记受理"),
    "petition.reply": gettext_lazy("答复"),
    "petition.close": gettext_lazy("办结"),
}


def _filtered(petitions, d):
    if d["status"]:
        petitions = petitions.filter(status=d["status"])
    if d["court"] is not None:
        petitions = petitions.filter(court__in=d["court"].subtree_ids())
    if d["received_from"]:
        petitions = petitions.filter(received_on__gte=d["received_from"])
    if d["received_to"]:
        petitions = petitions.filter(received_on__lte=d["received_to"])
    if d["overdue"]:
        petitions = services.overdue_petitions(petitions)
    return petitions


@requires("petition.read")
def petition_list(request):
    visible = Petition.objects.visible_to(request.user)
    form = PetitionFilterForm(request.GET or None, actor=request.user)
    petitions = visible.select_related("court", "case")
    if form.is_bound:
        petitions = _filtered(petitions, form.cleaned_data) if form.is_valid() else petitions.none()
    page = Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "command/petition_list.html",
        {
            "form": form,
            "page": page,
            "paginator": page.paginator,
            "query": params.urlencode(),
            "today": timezone.localdate(),
            "overdue_count": services.overdue_petitions(visible).count(),
            "can_receive": may(request.user, "petition.receive"),
        },
    )


@requires("petition.receive")
def petition_receive(request):
    initial = {"received_on": timezone.localdate(), "case_number": request.GET.get("case", "")}
    form = PetitionReceiveForm(request.POST or None, actor=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                petition = services.receive_petition(
                    request.user,
                    petitioner=d["petitioner"],
                    subject=d["subject"],
                    received_on=d["received_on"],
                    case=d["case_number"],
                    court=d["court"],
                    request=request,
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
                status = exc.status
            else:
                messages.success(request, _("信访已登记，办理期限至 %(d)s") % {"d": petition.due_on.isoformat()})
                return redirect("command:petition-detail", petition.pk)
    return render(request, "command/form.html", {"form": form, "title": _("登记执行信访")}, status=status)


def _render_petition(request, petition, bound=None, status=200):
    user = request.user
    action_forms = {}
    for name, (form_class, action, _handler, _message) in ACTIONS.items():
        if bound is not None and bound.prefix == name:
            action_forms[name] = bound  # the refused form stays on the page, with its reason
        elif petition.status == PetitionStatus.OPEN and may(user, action, petition):
            action_forms[name] = form_class(prefix=name, initial={"reply": petition.reply})
    history = AuditLog.objects.filter(
        object_type=Petition._meta.label_lower, object_id=str(petition.pk), action__in=HISTORY_LABELS
    ).order_by("at", "id")
    return render(
        request,
        "command/petition_detail.html",
        {
            "petition": petition,
            "action_forms": action_forms,
            "today": timezone.localdate(),
            "history": [(entry, HISTORY_LABELS[entry.action]) for entry in history],
        },
        status=status,
    )


@requires("petition.read", model=Petition)
def petition_detail(request, pk):
    return _render_petition(request, scoped_object(request, Petition, pk, "court", "case"))


@requires("petition.read", model=Petition)
@require_POST
def petition_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    petition = scoped_object(request, Petition, pk, "court", "case")
    form_class, rule, handler, success = ACTIONS[action]
    require(request.user, rule, petition)  # 403 / 409 before the form is read (400)
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        return _render_petition(request, petition, bound=form, status=400)
    try:
        handler(petition, form.cleaned_data, request.user, request)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        form.add_error(None, str(exc.message))
        petition.refresh_from_db()
        return _render_petition(request, petition, bound=form, status=exc.status)
    messages.success(request, success)
    return redirect("command:petition-detail", pk)
