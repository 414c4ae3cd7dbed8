import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.choices import PartnerKind


def hash_key(raw_key):
    # Keys are long random tokens, so a fast hash is enough (no dictionary attack possible).
    return hashlib.sha256(raw_key.encode()).hexdigest()


class PartnerClient(models.Model):
    """A partner system calling the REST API with an API key, scoped to a court subtree and actions."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=PartnerKind.choices)
    court = models.ForeignKey("execcenter.Court", verbose_name=_("授权法院范围"), on_delete=models.PROTECT)
    actions = models.JSONField(_("允许的操作"), default=list)
    # An institution-scoped key (a bank or registry gateway) sees and answers only that institution's tasks.
    institution_code = models.CharField(_("协助单位代码"), max_length=32, blank=True)
    key_prefix = models.CharField(_("密钥前缀"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Key lifecycle (execcenter/partner_keys.py): issued or rotated at, optional expiry, revoked at (final).
    key_issued_at = models.DateTimeField(_("密钥签发时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("密钥到期时间"), null=True, blank=True, help_text=_("留空表示不过期"))
    revoked_at = models.DateTimeField(_("密钥吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("合作系统")
        verbose_name_plural = _("合作系统")

    def __str__(self):
        return self.name

    @classmethod
    def new_key(cls):
        prefix = secrets.token_hex(4)
        return prefix, f"ec_{prefix}_{secrets.token_urlsafe(32)}"

    def set_key(self, raw_key=None):
        """Set a new key and return it; only its hash is stored."""
        if raw_key is None:
            self.key_prefix, raw_key = self.new_key()
        else:
            self.key_prefix = raw_key.split("_")[1]
        self.key_hash = hash_key(raw_key)
        return raw_key

    def key_state(self, now):
        """ "ok", "revoked", "inactive" or "expired": whether the key may be used at `now` (aware datetime)."""
        if self.revoked_at is not None:
            return "revoked"
        if not self.is_active:
            return "inactive"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "ok"

    def allows(self, action):
        return action in self.actions

    # DRF and the visibility rule treat a partner like an authenticated principal.
    is_authenticated = True
    is_anonymous = False
    is_superuser = False
    is_staff = False
