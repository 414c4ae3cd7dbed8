from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.choices import ROLES_SEEING_PERSONAL_DATA, Role


class Officer(models.Model):
    """Profile of a Django user who works for a court; roles decide what they may do."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer")
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("所属法院"), on_delete=models.PROTECT, related_name="officers"
    )
    name = models.CharField(_("姓名"), max_length=32)
    roles = models.JSONField(
        _("角色"), default=list, help_text=_("执行法官、执行员、执行局长、值班员、指挥中心主任、审计员、系统管理员")
    )
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    badge_no = models.CharField(_("工号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("干警")
        verbose_name_plural = _("干警")
        ordering = ["court__code", "name"]

    def __str__(self):
        return f"{self.name}（{self.court.short_name}）"

    def has_role(self, *roles):
        return any(r in self.roles for r in roles)

    @property
    def sees_personal_data(self):
        return any(r in ROLES_SEEING_PERSONAL_DATA for r in self.roles)

    def role_labels(self):
        return [Role(r).label for r in self.roles if r in Role.values]
