"""Masking of personal data for roles (and walls) that do not need it (docs/design.md §3)."""


def mask_id_number(value):
    """640105199001011234 → 640105********1234; credit codes of organisations are public, not masked."""
    if not value:
        return value
    if len(value) == 18 and value[:17].isdigit():
        return value[:6] + "*" * 8 + value[-4:]
    return value


def mask_phone(value):
    if not value or len(value) < 7:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value):
    if not value:
        return value
    return value[:6] + "****"


def mask_name(value):
    """张三丰 → 张**: for public walls only."""
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1) if len(value) <= 4 else value


def personal_data_columns(model):
    """The attnames of `model` that hold personal data (ID number, phone, address), as the model declares them in
    `personal_data_fields`; empty for a model that declares none."""
    return frozenset(getattr(model, "personal_data_fields", ()))
