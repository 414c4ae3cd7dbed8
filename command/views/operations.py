"""Operations in the browser: list, plan, teams, launch / end, the live tally and the phone-sized field page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Case
from execcenter.policy import may
from execcenter.policy_http import requires

from .. import services
from ..forms import OperationForm, ResultForm, TeamForm
from ..models import Operation
from .common import domain_action, scoped_object


@requires("operation.read")
def operation_list(request):
    ops = Operation.objects.visible_to(request.user).select_related("court").prefetch_related("courts")
    return render(
        request,
        "command/operation_list.html",
        {"operations": ops, "can_command": may(request.user, "operation.command")},
    )


@requires("operation.command")
@domain_action
def operation_create(request):
    form = OperationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        op = services.create_operation(
            request.user,
            name=d["name"],
            court=d["court"],
            courts=d["courts"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            target_cases=d["target_numbers"],
            description=d["description"],
            request=request,
        )
        messages.success(request, _("行动已创建"))
        return redirect("command:operation-detail", op.pk)
    return render(request, "command/form.html", {"form": form, "title": _("新建集中执行行动")})


@requires("operation.read", model=Operation)
@domain_action
def operation_detail(request, pk):
    op = scoped_object(request, Operation, pk)
    team_form = TeamForm(request.POST or None, actor=request.user)
    if request.method == "POST" and team_form.is_valid():
        services.add_team(request.user, op, request=request, **team_form.cleaned_data)
        messages.success(request, _("小组已编入"))
        return redirect("command:operation-detail", op.pk)
    return render(
        request,
        "command/operation_detail.html",
        {
            "op": op,
            "tally": services.operation_tally(op),
            "teams": op.teams.select_related("leader", "court").prefetch_related("members"),
            "team_form": team_form,
            "can_command": may(request.user, "operation.command"),
            "results": op.results.select_related("team", "case")[:50],
        },
    )


@requires("operation.read", model=Operation)
@require_POST
@domain_action
def operation_transition(request, pk, action):
    if action not in ("launch", "end"):
        raise Http404
    op = scoped_object(request, Operation, pk)
    {"launch": services.launch_operation, "end": services.end_operation}[action](request.user, op, request=request)
    messages.success(request, _("行动已启动") if action == "launch" else _("行动已结束，总结报告已生成"))
    return redirect("command:operation-detail", op.pk)


@requires("operation.record", model=Operation)
@domain_action
def operation_field(request, pk):
    """Phone-sized page: a team member records a result in a few taps."""
    op = scoped_object(request, Operation, pk)
    form = ResultForm(request.POST or None, operation=op)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        case = Case.objects.visible_to(request.user).by_number(d["case_number"]).first()
        if case is None:
            form.add_error("case_number", _("案号不存在或不在您的范围内"))
        else:
            services.record_result(
                request.user,
                op,
                d["team"],
                case,
                case_closed=d["case_closed"],
                amount_recovered=d["amount_recovered"],
                measures=d["measures"],
                people_detained=d["people_detained"],
                note=d["note"],
                book_receipt=d["book_receipt"],
                request=request,
            )
            messages.success(request, _("战果已录入：%(n)s") % {"n": case.number})
            return redirect("command:operation-field", op.pk)
    return render(
        request, "command/operation_field.html", {"op": op, "form": form, "tally": services.operation_tally(op)}
    )
