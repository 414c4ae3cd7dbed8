"""Demo data of the command app (called by `manage.py seed_demo`): a running collective operation with teams
and results, open and closed incidents, linkage units with letters in every state, petitions, and a
generated monthly bulletin. Idempotent: a second run adds nothing."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from cases.choices import CaseStatus
from cases.models import Case
from execcenter.choices import PartnerAction, PartnerKind
from execcenter.models import Court, Officer
from execcenter.org import create_demo_partner

from . import indicators as ind
from . import services
from .bulletins import generate_bulletin
from .choices import AnswerChannel, BulletinKind, FieldMeasure
from .models import AssistanceLetter, Incident, LinkageUnit, Operation, Petition
from .services.incidents import report_position

OPERATION_NAME = "“雷霆2025”集中执行行动"
OPERATION_COURTS = ("宁0104", "宁0105", "宁0424")
UNITS = [  # (name, kind, court code)
    ("宁夏回族自治区公安厅", "public_security", "宁"),
    ("银川市自然资源局", "natural_resources", "宁01"),
    ("西夏区市场监督管理局", "market", "宁0105"),
    ("西夏区税务局", "tax", "宁0105"),
    ("镇北堡镇人民政府", "township", "宁0105"),
    ("兴泾镇人民政府", "township", "宁0105"),
    ("泾源县民政局", "civil_affairs", "宁0424"),
    ("泾源县香水镇人民政府", "township", "宁0424"),
]


def _officer(username):
    return Officer.objects.select_related("user", "court").get(user__username=username)


def _open_cases(code, n):
    return list(Case.objects.filter(court__code=code).exclude(status=CaseStatus.CLOSED).order_by("pk")[:n])


def _operation(rng, director):
    if Operation.objects.filter(name=OPERATION_NAME).exists():
        return Operation.objects.get(name=OPERATION_NAME)
    courts = {c.code: c for c in Court.objects.filter(code__in=("宁", *OPERATION_COURTS))}
    now = timezone.now()
    targets = [c for code in OPERATION_COURTS for c in _open_cases(code, 8)]
    op = services.create_operation(
        director.user,
        name=OPERATION_NAME,
        court=courts["宁"],
        courts=[courts[c] for c in OPERATION_COURTS],
        starts_at=now - dt.timedelta(hours=6),
        ends_at=now + dt.timedelta(days=2),
        target_cases=targets,
        description="全区集中清理涉民生、农民工工资案件，夜间、凌晨分组同步行动。",
    )
    teams = [
        services.add_team(
            director.user,
            op,
            name="西夏一组",
            court=courts["宁0105"],
            leader=_officer("xixia_judge"),
            members=[_officer("xixia_officer")],
            vehicle="宁A·J1205",
            body_camera_url="https://video.example.invalid/xixia-1",
        ),
        services.add_team(
            director.user,
            op,
            name="泾源一组",
            court=courts["宁0424"],
            leader=_officer("jingyuan_judge"),
            vehicle="宁D·J0424",
            body_camera_url="https://video.example.invalid/jingyuan-1",
        ),
    ]
    services.launch_operation(director.user, op)
    measures = [m.value for m in FieldMeasure]
    for team in teams:
        for case in [c for c in targets if c.court_id == team.court_id][:5]:
            amount = Decimal(rng.randrange(0, 60000, 100))
            detained = 1 if rng.random() < 0.2 else 0
            services.record_result(
                team.leader.user,
                op,
                team,
                case,
                case_closed=rng.random() < 0.3,
                amount_recovered=amount,
                measures=rng.sample(measures, 2),
                people_detained=detained,
                note="现场执行",
            )
    return op


def _incidents(op, director):
    if Incident.objects.filter(operation=op).exists():
        return
    team = op.teams.order_by("pk").first()
    judge = team.leader.user
    kw = dict(operation=op, team=team, latitude=Decimal("38.498100"), longitude=Decimal("106.085600"))
    hot = services.report_incident(
        judge,
        kind="obstruction",
        severity="high",
        address="银川市西夏区镇北堡镇某小区",
        description="被执行人亲属聚集阻拦搜查",
        **kw,
    )
    backup = op.teams.order_by("pk").last()
    services.dispatch_help(
        director.user, hot, team=backup, police_liaison="西夏区公安分局镇北堡派出所", note="立即增援"
    )
    # The reporting team's phone sends where it is (the wall's incident map and the incident page show it). The
    # backup team is 泾源's: its officers do not see a 西夏区 incident, so its phone cannot report on it.
    report_position(judge, hot, team, Decimal("38.498100"), Decimal("106.085600"))
    services.report_incident(
        judge,
        kind="asset_transfer",
        severity="medium",
        address="银川市西夏区怀远路某车库",
        description="发现被执行人正在转移车辆",
        **kw,
    )
    done = services.report_incident(
        judge, kind="traffic", severity="low", address="银川市西夏区文昌南街", description="执行车辆轻微剐蹭", **kw
    )
    services.close_incident(director.user, done, "已报交警处理，人员无伤，行动继续")


def _units():
    units = []
    for name, kind, code in UNITS:
        unit = LinkageUnit.objects.filter(name=name).first()
        if unit is None:
            partner = None
            if kind == "public_security":
                partner, _key = create_demo_partner(
                    f"{name}联动接口",
                    PartnerKind.LINKAGE,
                    code,
                    [PartnerAction.READ, PartnerAction.ANSWER],
                    raw_key="ec_demolink_public-security-demo-key",
                )
            unit = services.register_unit(
                name=name, kind=kind, court=Court.objects.get(code=code), contact_name="联络员", partner=partner
            )
        units.append(unit)
    return units


@transaction.atomic
def _letters(rng, units):
    if AssistanceLetter.objects.exists():
        return
    judge = _officer("xixia_judge")
    cases = _open_cases("宁0105", 12)
    xixia_units = [u for u in units if u.court.contains(judge.court)]
    for i, case in enumerate(cases):
        unit = xixia_units[i % len(xixia_units)]
        letter = services.send_letter(
            judge.user,
            case,
            unit,
            subject="协助查询被执行人财产及下落",
            request_text="请协助查询被执行人名下房产、车辆、工商登记及户籍信息。",
            due_on=timezone.localdate() + dt.timedelta(days=rng.randint(3, 20)),
        )
        state = i % 5  # sent, overdue, answered, closed, withdrawn
        if state == 1:
            AssistanceLetter.objects.filter(pk=letter.pk).update(
                due_on=timezone.localdate() - dt.timedelta(days=rng.randint(1, 10))
            )
        elif state in (2, 3):
            services.answer_letter(
                unit.partner if unit.partner else None,
                letter,
                answer_text="经查，被执行人名下无登记车辆；户籍地址已核实。",
                answered_by="经办人",
                channel=AnswerChannel.PARTNER_API if unit.partner else AnswerChannel.FORM,
            )
            if state == 3:
                services.close_letter(judge.user, letter, "已核实")
        elif state == 4:
            services.withdraw_letter(judge.user, letter)
    services.raise_overdue_letter_alerts()


def _petitions(rng):
    if Petition.objects.exists():
        return
    today = timezone.localdate()
    for court in Court.objects.filter(level="basic"):
        for case in _open_cases(court.code, 3):
            received = today - dt.timedelta(days=rng.randint(5, 120))
            closed = received + dt.timedelta(days=rng.randint(3, 70)) if rng.random() < 0.8 else None
            Petition.objects.create(
                court=court,
                case=case,
                petitioner="申请执行人",
                subject="反映案件执行进度慢",
                received_on=received,
                closed_on=closed if closed and closed <= today else None,
                status="closed" if closed and closed <= today else "open",
            )


def enrich(rng, stdout):
    director = _officer("director")
    op = _operation(rng, director)
    _incidents(op, director)
    units = _units()
    _letters(rng, units)
    _petitions(rng)
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    bulletin = generate_bulletin(
        Court.objects.get(code="宁"), BulletinKind.MONTHLY, ind.Period.month(last_month.year, last_month.month)
    )
    states = dict(AssistanceLetter.objects.values_list("status").annotate(n=Count("id")).order_by())
    stdout.write(
        f"指挥调度：行动「{op.name}」{op.teams.count()} 个小组、{op.results.count()} 条战果；"
        f"突发事件 {Incident.objects.count()} 起；协助函 {states}；通报「{bulletin.title}」"
    )
    return {"operation": op.pk, "letters": states, "bulletin": bulletin.pk}
