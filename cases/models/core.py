from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from execcenter.identifiers import normalise_case_number
from execcenter.models.scoped import ScopedQuerySet, scoped_queryset
from execcenter.money import MONEY, MoneyField  # noqa: F401  (MONEY: re-exported as cases.models.MONEY)

from .. import predicates
from ..choices import CaseStatus, CaseTag, CaseType, ClosureType, MoneyKind, PartyKind, PartyRole, ReceiptSource


class CaseQuerySet(ScopedQuerySet):
    """Case by number: the one lookup every caller uses (`Case.objects.visible_to(user).by_number(typed).first()`), so
    `(2023)宁0105执1号`, `（２０２３）宁0105执1号` and ` （2023）宁0105执1号` all find `（2023）宁0105执1号`."""

    # The domain predicates, one definition each (cases.predicates); `today` defaults to the Asia/Shanghai date.
    def open(self):
        return self.filter(predicates.is_open())

    def open_on(self, day):
        return self.filter(predicates.open_on(day))

    def running(self):
        return self.filter(predicates.running())

    def long_pending(self, today=None):
        return self.filter(predicates.long_pending(today or timezone.localdate()))

    def long_pending_on(self, day):
        return self.filter(predicates.long_pending_on(day))

    def overdue(self, today=None):
        return self.filter(predicates.overdue(today or timezone.localdate()))

    def due_soon(self, today=None, days=None):
        days = predicates.deadlines.NEAR_DAYS if days is None else days
        return self.filter(predicates.due_soon(today or timezone.localdate(), days))

    def closed_in(self, start, end):
        return self.filter(predicates.closed_in(start, end))

    def by_number(self, number):
        """The case (0 or 1 rows: `number` is unique) under a whole case number as typed (normalised here)."""
        return self.filter(number=normalise_case_number(number))

    def by_numbers(self, numbers):
        """The cases under any of these whole numbers as typed."""
        return self.filter(number__in={normalise_case_number(n) for n in numbers})

    def number_contains(self, fragment):
        """Cases whose number contains a part of one as typed: `(2023)宁0105执` finds every （2023）宁0105执…号."""
        return self.filter(number__contains=normalise_case_number(fragment))


class Case(models.Model):
    """An execution case (执行案件). Its number is assigned at filing by cases.services.file_case."""

    number = models.CharField(_("案号"), max_length=40, unique=True)
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("执行法院"), on_delete=models.PROTECT, related_name="cases"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    case_type = models.CharField(_("案件类型"), max_length=4, choices=CaseType.choices, default=CaseType.FIRST)
    sequence = models.PositiveIntegerField(_("序号"))
    cause = models.CharField(_("案由"), max_length=64)
    origin_body = models.CharField(_("执行依据作出机关"), max_length=64, blank=True)
    origin_document_no = models.CharField(_("执行依据文号"), max_length=64, blank=True)
    filed_on = models.DateField(_("立案日期"), db_index=True)
    claim_amount = MoneyField(_("申请执行标的"))
    # Kept in step with the money ledger by cases.services (never written elsewhere).
    recovered_amount = MoneyField(_("执行到位金额"), default=Decimal("0.00"))
    outstanding_amount = MoneyField(_("未执行金额"))
    costs_amount = MoneyField(_("执行费用"), default=Decimal("0.00"))
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.FILED)
    closure_type = models.CharField(_("结案方式"), max_length=24, choices=ClosureType.choices, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    assigned_judge = models.ForeignKey(
        "execcenter.Officer",
        verbose_name=_("承办法官"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="judged_cases",
    )
    responsible_officer = models.ForeignKey(
        "execcenter.Officer",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leading_official = models.ForeignKey(
        "execcenter.Officer",
        verbose_name=_("包案领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tags = models.JSONField(_("标签"), default=list, blank=True)
    # Tags duplicated as flags: filtering a million cases by JSON contents is slow on SQLite and needs GIN on PG.
    is_livelihood = models.BooleanField(_("涉民生"), default=False)
    is_migrant_wages = models.BooleanField(_("农民工工资"), default=False)
    is_enterprise = models.BooleanField(_("涉企"), default=False)
    is_government = models.BooleanField(_("涉党政机关"), default=False)
    is_financial = models.BooleanField(_("涉金融"), default=False)
    assignment_due = models.DateField(_("分案期限"))
    statutory_deadline = models.DateField(_("法定审限届满日"), db_index=True)
    suspended_days = models.PositiveIntegerField(_("扣除审限天数"), default=0)
    extension_days = models.PositiveIntegerField(_("延长审限天数"), default=0)
    suspended_since = models.DateField(_("中止开始日"), null=True, blank=True)
    status_before_suspension = models.CharField(max_length=16, blank=True)
    # Facts the 终本 conditions read (法〔2016〕373号 Art. 1), recorded through cases.services.
    notice_sent_on = models.DateField(_("执行通知发出日期"), null=True, blank=True)
    dishonest_eligible = models.BooleanField(_("符合纳入失信名单条件"), default=False)
    debtor_whereabouts_unknown = models.BooleanField(_("被执行人下落不明"), default=False)
    debtor_searched_on = models.DateField(_("已依法查找日期"), null=True, blank=True)
    debtor_obstructed = models.BooleanField(_("存在妨害执行行为"), default=False)
    origin_case = models.ForeignKey(
        "self", verbose_name=_("原案"), null=True, blank=True, on_delete=models.PROTECT, related_name="resumed_cases"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("执行案件")
        verbose_name_plural = _("执行案件")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["court", "case_type", "year", "sequence"], name="uniq_case_number_parts"),
            models.CheckConstraint(condition=models.Q(claim_amount__gte=0), name="case_claim_not_negative"),
        ]
        indexes = [
            models.Index(fields=["court", "status", "-filed_on"]),
            models.Index(fields=["assigned_judge", "status"]),
            # The case list filtered by status within one court, newest id first (a basic court's reader): the rows of
            # one court and status in list order, so the first page is 51 index entries instead of a bitmap of the
            # province's cases in that status sorted by id (79.5 ms p95 at 10M cases, bench/README.md).
            models.Index(fields=["court", "status", "id"], name="case_court_status_id_idx"),
            models.Index(fields=["status", "statutory_deadline"]),
            # The case list's deadline-state and long-pending filters page along these (cases.filtersets.ordering_for):
            # the province-wide ones for the high court's readers, the court-led ones for a basic court's.
            models.Index(
                fields=["statutory_deadline", "id"],
                name="case_running_deadline_idx",
                condition=~models.Q(status__in=["closed", "suspended"]),
            ),
            models.Index(fields=["filed_on", "id"], name="case_open_filed_idx", condition=~models.Q(status="closed")),
            models.Index(
                fields=["court", "statutory_deadline", "id"],
                name="case_court_deadline_idx",
                condition=~models.Q(status__in=["closed", "suspended"]),
            ),
            models.Index(
                fields=["court", "filed_on", "id"],
                name="case_court_open_filed_idx",
                condition=~models.Q(status="closed"),
            ),
            # Quality indicators count the cases closed in a period (command.indicators, screen modules 30–34): their
            # columns in one index, read without touching the table (PostgreSQL's index-only scan).
            models.Index(
                fields=["case_type", "closed_on"],
                name="case_closed_facts_idx",
                condition=models.Q(closed_on__isnull=False),
                include=[
                    "id",
                    "court",
                    "closure_type",
                    "statutory_deadline",
                    "filed_on",
                    "recovered_amount",
                    "claim_amount",
                    "suspended_days",
                ],
            ),
            # 三年内整体执结率 (command.indicators.three_year_closure, module 30) counts three years of filings per court
            # and which of them are closed: ≈ 2.9M rows at 10M cases, read from the index alone (1.06 s from the table).
            models.Index(
                fields=["case_type", "filed_on"], name="case_filed_facts_idx", include=["id", "court", "closed_on"]
            ),
            # 终本合格率 (command.indicators.terminated_qualified, modules 30 and 33) reads the 终本 closures of the
            # year and their case-level conditions: a few percent of the closures, read from the index alone instead
            # of fetching every closure of the year from the table (≈ 900k rows at 10M cases: 3.7 s of module 30).
            models.Index(
                fields=["case_type", "closed_on"],
                name="case_terminated_idx",
                condition=models.Q(closure_type=ClosureType.TERMINATED_THIS_ROUND),
                include=[
                    "id",
                    "court",
                    "filed_on",
                    "notice_sent_on",
                    "dishonest_eligible",
                    "debtor_whereabouts_unknown",
                    "debtor_searched_on",
                    "debtor_obstructed",
                ],
            ),
        ]

    def __str__(self):
        return self.number

    TAG_FIELDS = {
        CaseTag.LIVELIHOOD: "is_livelihood",
        CaseTag.MIGRANT_WAGES: "is_migrant_wages",
        CaseTag.ENTERPRISE: "is_enterprise",
        CaseTag.GOVERNMENT: "is_government",
        CaseTag.FINANCIAL: "is_financial",
    }

    def set_tags(self, tags):
        self.tags = sorted(set(tags))
        for tag, field in self.TAG_FIELDS.items():
            setattr(self, field, tag in self.tags)

    @property
    def tag_labels(self):
        """The tags as the user reads them (涉企, 涉党政机关 …), in the active language; an unknown code as stored."""
        return [CaseTag(tag).label if tag in CaseTag.values else tag for tag in self.tags]

    @property
    def is_open(self):
        return self.status != CaseStatus.CLOSED


class PartyQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """A party is visible through any case of a visible court (parties belong to no court themselves)."""
        from execcenter.scope import court_ids_for

        ids = court_ids_for(actor)
        if ids is None:
            return self
        return self.filter(pk__in=CaseParty.objects.filter(case__court__in=ids).values("party_id"))


class Party(models.Model):
    """A real-world party, one record across all cases (found by ID number / credit code): kind, name and number
    only. Contact details are the filing court's and live on each case's link (CaseParty.phone / .address): a
    party shared across courts must not show one court the phone or address another court entered."""

    kind = models.CharField(_("类型"), max_length=16, choices=PartyKind.choices)
    name = models.CharField(_("名称"), max_length=128, db_index=True)
    id_number = models.CharField(_("身份证号码/统一社会信用代码"), max_length=18, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Shown masked to roles without "personal_data.read"; never a list's ordering (execcenter.masking).
    personal_data_fields = ("id_number",)

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")

    def __str__(self):
        return self.name


class CaseParty(models.Model):
    """A party's place in one case, with the contact details entered for this case (phone, address) and the court
    that entered them (the case's court when filed; migration 0017 kept only what the first filing court entered)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_parties")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="case_parties")
    role = models.CharField(_("诉讼地位"), max_length=16, choices=PartyRole.choices)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    personal_data_fields = ("phone", "address")  # masked for roles without "personal_data.read" (execcenter.masking)
    contact_court = models.ForeignKey(
        "execcenter.Court",
        verbose_name=_("联系方式录入法院"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("案件当事人")
        verbose_name_plural = _("案件当事人")
        constraints = [models.UniqueConstraint(fields=["case", "party", "role"], name="uniq_case_party_role")]
        indexes = [
            # A case's respondents, read from the index alone: 终本合格率 (command.indicators.terminated_qualified)
            # asks it for each of the year's 终本 closures — 349k at 10M cases, 6.5 → 1.9 s (bench/README.md) — and the
            # wider table (phone, address) no longer has to be visited for the role.
            models.Index(
                fields=["case"],
                include=["party"],
                condition=models.Q(role=PartyRole.RESPONDENT),
                name="caseparty_respondent_idx",
            ),
        ]


class CaseEvent(models.Model):
    """Append-only case timeline: status, assignment, measure, money, order, query."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("事件类型"), max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(_("操作人"), max_length=64)
    summary = models.CharField(_("摘要"), max_length=200)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("案件节点")
        verbose_name_plural = _("案件节点")
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("case events are append-only")
        super().save(*args, **kwargs)


class MoneyEntry(models.Model):
    """One line of the case account (一案一账户): a receipt into it or a payout from it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="money_entries")
    # The case's court, copied when the entry is booked (a case never changes court): the screens add up money per
    # court over a year of entries, and joining a million cases for it cost 1.6 s of every snapshot refresh.
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    kind = models.CharField(_("方向"), max_length=8, choices=MoneyKind.choices)
    source = models.CharField(_("来源"), max_length=16, choices=ReceiptSource.choices)
    amount = MoneyField(_("金额"))
    occurred_at = models.DateTimeField(_("发生时间"))
    # 法发〔2017〕6号: receipts are to be paid out within 30 days.
    payout_due = models.DateField(_("应发放日期"), null=True, blank=True)
    paid_out_amount = MoneyField(_("已发放金额"), default=Decimal("0.00"))
    payee = models.ForeignKey(Party, verbose_name=_("收款人"), null=True, blank=True, on_delete=models.PROTECT)
    # Idempotency: the same deduction (order UUID) or payment reference is booked once.
    reference = models.CharField(_("业务编号"), max_length=80, unique=True, null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    objects = scoped_queryset("court").as_manager()

    class Meta:
        verbose_name = _("案款流水")
        verbose_name_plural = _("案款流水")
        ordering = ["occurred_at", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="money_amount_positive")]
        indexes = [
            # Money per court over a period (screen modules 24 and 38) without reading the table.
            models.Index(fields=["occurred_at"], include=["court", "kind", "amount"], name="money_occurred_idx"),
            # Receipts not yet paid out in full (module 25, the overdue-payout sweep): a few among a million.
            models.Index(
                fields=["court", "payout_due"],
                include=["amount", "paid_out_amount"],
                name="money_unpaid_idx",
                condition=models.Q(kind="receipt", amount__gt=models.F("paid_out_amount")),
            ),
        ]

    def save(self, *args, **kwargs):
        if self.court_id is None:
            self.court_id = self.case.court_id
        super().save(*args, **kwargs)


class CaseSequence(models.Model):
    """Last sequence number issued per court / type / year (numbering restarts each year)."""

    court = models.ForeignKey("execcenter.Court", on_delete=models.PROTECT)
    case_type = models.CharField(max_length=4, choices=CaseType.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["court", "case_type", "year"], name="uniq_case_sequence")]
