"""The case services read like a reference: every public operation has type hints and a docstring."""

import inspect

from cases import services


def public_operations():
    for name in services.__all__:
        obj = getattr(services, name)
        if not name.startswith("_") and inspect.isfunction(obj) and obj.__module__.startswith("cases.services"):
            yield name, obj


def test_every_public_case_service_is_annotated_and_documented():
    missing = []
    for name, fn in public_operations():
        signature = inspect.signature(fn)
        unannotated = [p for p, param in signature.parameters.items() if param.annotation is inspect.Parameter.empty]
        if unannotated or signature.return_annotation is inspect.Signature.empty or not (fn.__doc__ or "").strip():
            missing.append((name, unannotated))
    assert len(list(public_operations())) >= 15
    assert missing == []
