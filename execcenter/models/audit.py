from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditQuerySet(models.QuerySet):
    # Append-only: bulk changes through the queryset are refused too (signal-based audits miss them).
    def update(self, **kwargs):
        raise PermissionError("audit log is append-only")

    def delete(self):
        raise PermissionError("audit log is append-only")

    def visible_to(self, actor):
        """Rows of the courts the actor sees; rows tied to no court (an anonymous lookup that matched nothing, a
        lockout of an unknown user name) only to those who see the whole province (the root court's officers)."""
        from execcenter.models import Court
        from execcenter.scope import court_ids_for

        ids = court_ids_for(actor)
        if ids is None:
            return self
        sees_root = Court.objects.filter(parent__isnull=True, pk__in=ids).exists()
        return (
            self.filter(models.Q(court__in=ids) | models.Q(court__isnull=True))
            if sees_root
            else self.filter(court__in=ids)
        )


class AuditLog(models.Model):
    """Who did what to which object, when and from where; also every read of unmasked personal data
    and every external query (with its purpose: case, approver)."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    partner = models.ForeignKey("execcenter.PartnerClient", null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(_("操作人"), max_length=64)
    action = models.CharField(_("操作"), max_length=48, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=48)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象描述"), max_length=128, blank=True)
    court = models.ForeignKey("execcenter.Court", null=True, blank=True, on_delete=models.PROTECT)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit log is append-only")
