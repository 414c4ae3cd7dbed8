"""drf-spectacular extensions so the OpenAPI document describes our API-key authentication."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class APIKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "execcenter.api.authentication.APIKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "合作系统 API 密钥，格式：`Api-Key <key>`（也可用 `X-API-Key: <key>`）",
        }
