"""Network queries (网络查询): a request, its chunks of institutions, per-institution results, found assets.

Progress is kept as counters on the request row (updated with F() expressions by the chunk tasks), so
the browser and the big screen read one row and never the Celery result backend (docs/design.md §7).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import ScopedQuerySet, scoped_queryset
from execcenter.money import MoneyField
from execcenter.rounding import percent

from ..choices import ACTIVE_QUERY_STATUSES, AssetKind, ChunkStatus, QueryResultStatus, QueryStatus


class QueryRequestQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_QUERY_STATUSES)


class QueryRequest(models.Model):
    """ "What do these respondents own?", asked of every institution of the chosen kinds for one case."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="query_requests"
    )
    # The case's court, kept on the row so that screens filter by court without a join.
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("执行法院"), on_delete=models.PROTECT, related_name="+"
    )
    respondents = models.ManyToManyField("cases.Party", verbose_name=_("被查询人"), related_name="+")
    institution_kinds = models.JSONField(_("查询机构类别"), default=list, blank=True, help_text=_("为空表示全部类别"))
    purpose = models.CharField(_("查询事由"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by_partner = models.ForeignKey(
        "execcenter.PartnerClient",
        verbose_name=_("发起系统"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by_label = models.CharField(_("发起人"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=16, choices=QueryStatus.choices, default=QueryStatus.QUEUED, db_index=True
    )
    total = models.PositiveIntegerField(_("应查询数"), default=0)
    done = models.PositiveIntegerField(_("已反馈数"), default=0)
    failed = models.PositiveIntegerField(_("失败数"), default=0)
    found = models.PositiveIntegerField(_("发现财产数"), default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_left = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)
    # The 终本 re-query round this query answers (法〔2016〕373号 Art. 9), and the query whose failed institutions
    # this one asks again; both NULL for an ordinary query.
    requery = models.ForeignKey(
        "cases.RequerySchedule",
        verbose_name=_("终本定期查询轮次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="query_requests",
    )
    retry_of = models.ForeignKey(
        "self", verbose_name=_("重查原查询"), null=True, blank=True, on_delete=models.PROTECT, related_name="retries"
    )
    # Set while the request is queued or running, NULL afterwards: the unique index makes a second
    # identical submission (double click, retried POST) find the running one instead of a new fan-out.
    active_fingerprint = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = QueryRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("网络查询请求")
        verbose_name_plural = _("网络查询请求")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["court", "status", "-created_at"])]

    def __str__(self):
        return f"{self.case.number} 查询 #{self.pk}"

    @property
    def answered(self):
        return self.done + self.failed

    @property
    def percent(self):
        return 100 if not self.total else min(100, int(percent(self.answered, self.total, 0)))

    @property
    def is_active(self):
        return self.status in ACTIVE_QUERY_STATUSES


class QueryChunk(models.Model):
    """A slice of institutions for one respondent: the unit of work of one `query_chunk` task.

    `pending_ids` shrinks as answers are written; `version` is compared-and-swapped on every write, so a
    redelivered or duplicated task never writes (or counts) the same answers twice.
    """

    request = models.ForeignKey(QueryRequest, on_delete=models.CASCADE, related_name="chunks")
    respondent = models.ForeignKey("cases.Party", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField()
    institution_ids = models.JSONField(default=list)
    pending_ids = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=ChunkStatus.choices, default=ChunkStatus.PENDING)
    version = models.PositiveIntegerField(default=0)
    runs = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("查询分片")
        verbose_name_plural = _("查询分片")
        ordering = ["request", "seq"]
        constraints = [models.UniqueConstraint(fields=["request", "seq"], name="uniq_query_chunk_seq")]
        indexes = [models.Index(fields=["status", "updated_at"])]


class QueryResult(models.Model):
    """One institution's answer about one respondent."""

    request = models.ForeignKey(QueryRequest, on_delete=models.CASCADE, related_name="results")
    respondent = models.ForeignKey(
        "cases.Party", verbose_name=_("被查询人"), on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        "querycontrol.Institution", verbose_name=_("协助单位"), on_delete=models.PROTECT, related_name="query_results"
    )
    status = models.CharField(_("结果"), max_length=16, choices=QueryResultStatus.choices)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=1)
    latency_ms = models.PositiveIntegerField(_("响应时间(毫秒)"), default=0)
    error = models.CharField(_("错误信息"), max_length=200, blank=True)
    found_count = models.PositiveIntegerField(_("发现财产数"), default=0)
    answered_at = models.DateTimeField(_("反馈时间"), db_index=True)

    objects = scoped_queryset("request__court").as_manager()

    class Meta:
        verbose_name = _("查询结果")
        verbose_name_plural = _("查询结果")
        ordering = ["request", "institution"]
        constraints = [
            models.UniqueConstraint(fields=["request", "respondent", "institution"], name="uniq_query_result"),
        ]
        indexes = [models.Index(fields=["institution", "-answered_at"]), models.Index(fields=["request", "status"])]


class FoundAssetQuerySet(ScopedQuerySet):
    pass


class FoundAsset(models.Model):
    """An account or asset an institution reported for a respondent (balance as of `found_at`)."""

    request = models.ForeignKey(QueryRequest, on_delete=models.CASCADE, related_name="assets")
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="found_assets"
    )
    court = models.ForeignKey("execcenter.Court", on_delete=models.PROTECT, related_name="+")
    respondent = models.ForeignKey(
        "cases.Party", verbose_name=_("被执行人"), on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        "querycontrol.Institution", verbose_name=_("协助单位"), on_delete=models.PROTECT, related_name="found_assets"
    )
    kind = models.CharField(_("财产类别"), max_length=16, choices=AssetKind.choices, db_index=True)
    asset_ref = models.CharField(_("账号/权证号"), max_length=64)
    description = models.CharField(_("财产描述"), max_length=200, blank=True)
    balance = MoneyField(_("余额/价值"))
    frozen_by_others = MoneyField(_("他案已冻结"), default=0)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    found_at = models.DateTimeField(_("查询时间"), db_index=True)

    objects = FoundAssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("查询到的财产")
        verbose_name_plural = _("查询到的财产")
        ordering = ["kind", "-balance", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "respondent", "institution", "asset_ref"], name="uniq_found_asset"
            ),
        ]
        indexes = [models.Index(fields=["court", "-found_at"]), models.Index(fields=["case", "kind"])]

    def __str__(self):
        return f"{self.institution} {self.asset_ref}"

    @property
    def available(self):
        """Balance not frozen by other cases, as the institution last reported it."""
        return max(self.balance - self.frozen_by_others, 0)
