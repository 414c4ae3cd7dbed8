"""drf-spectacular extensions so the OpenAPI document describes our API-key authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from execcenter.choices import PartnerKind, Role


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


# --- what every operation may answer (a postprocessing hook: SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) -------

ERROR_SCHEMA = {
    "type": "object",
    "description": "错误：detail（中英文说明）与 code（稳定的错误代码）；字段校验错误为 {字段: [说明]} (error body)",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}, "details": {"type": "object"}},
    "additionalProperties": True,
}
# Statuses any operation can answer whatever it does (execcenter.api.exceptions, DRF, the throttle).
COMMON_ERRORS = {
    "400": "请求参数或内容无效 (invalid input)",
    "401": "未认证或 API 密钥无效 (not authenticated)",
    "403": "无权执行该操作 (not allowed)",
    "404": "不存在或不在可见范围内 (not found or out of scope)",
    "413": "请求体过大 (request body too large)",
    "429": "请求过于频繁 (rate limit exceeded)",
}
WRITE_ERRORS = {"409": "状态不允许或 Idempotency-Key 冲突 (conflict)"}
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "同一密钥同一请求体只执行一次并返回原结果；同一密钥不同请求体返回 409 (at most 128 characters)",
    "schema": {"type": "string", "maxLength": 128},
}


def declare_common_responses(result, generator, request, public):
    """Every operation declares the error statuses it can answer (with their JSON body) and every POST the
    Idempotency-Key header it honours (execcenter.api.idempotency): a client generated from the schema, or a
    schema-driven test, otherwise meets answers the document never mentions."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error_ref = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(COMMON_ERRORS, **(WRITE_ERRORS if method in ("post", "put", "patch", "delete") else {}))
            for code, description in errors.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": error_ref}}}
                )
            if method == "post":
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" and p.get("in") == "header" for p in parameters):
                    parameters.append(dict(IDEMPOTENCY_HEADER))
    return result


class PolicyAutoSchema(AutoSchema):
    """Every operation's description ends with its permission rule: the policy action, who may call it and which
    partner keys (execcenter.policy; docs/permissions.md). A client reads it in the OpenAPI document."""

    def get_description(self):
        from execcenter import policy
        from execcenter.api.permissions import policy_action_of

        description = super().get_description() or ""
        request = type("Probe", (), {"method": self.method.upper()})()
        action = policy_action_of(self.view, request)
        if action is None or action not in policy.RULES:
            return description
        rule = policy.rule(action)
        kinds, needed = policy.partner_may_call(action)
        roles = "、".join(str(Role(r).label) for r in sorted(rule.roles) if r in Role.values) or "—"
        keys = "、".join(str(PartnerKind(k).label) for k in kinds) + f"（{needed}）" if kinds else "—"
        return (
            f"{description}\n\n权限 (permission): `{action}` {rule.label}；角色 (roles): {roles}；"
            f"密钥 (API keys): {keys}"
        ).strip()
