from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from execcenter.models import PartnerClient
from execcenter.models.partners import hash_key


class APIKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>` (or `X-API-Key: <key>`) for partner systems.

    request.user becomes the PartnerClient itself, so the visibility rule and permissions read its scope.
    """

    keyword = "Api-Key"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        raw = ""
        if header.startswith(self.keyword + " "):
            raw = header[len(self.keyword) + 1 :].strip()
        else:
            raw = request.headers.get("X-API-Key", "").strip()
        if not raw:
            return None
        client = PartnerClient.objects.select_related("court").filter(key_hash=hash_key(raw)).first()
        state = client.key_state(timezone.now()) if client is not None else "unknown"
        if state == "expired":
            raise exceptions.AuthenticationFailed(
                _("API 密钥已过期，请联系管理员轮换 (API key expired: ask an administrator to rotate it)")
            )
        if state != "ok":  # unknown, revoked, disabled: one answer
            raise exceptions.AuthenticationFailed(_("API 密钥无效或已停用 (invalid or disabled API key)"))
        return client, raw

    def authenticate_header(self, request):
        return self.keyword
