"""Questions `cases` must ask of higher apps without importing them (docs/design.md §2: dependencies point one way).

querycontrol registers its answers in its AppConfig.ready():

    from cases import hooks
    hooks.register_property_investigation_check(my_check)   # my_check(case) -> bool

Until a check is registered, the answer falls back to the case's own PropertyInvestigation records.
"""
_property_investigation_checks = []


def register_property_investigation_check(func):
    """Register `func(case) -> bool`: True when the network query on every respondent is done."""
    if func not in _property_investigation_checks:
        _property_investigation_checks.append(func)
    return func


def unregister_property_investigation_check(func):
    if func in _property_investigation_checks:
        _property_investigation_checks.remove(func)


def property_investigation_done(case):
    """终本 condition 3 (法〔2016〕373号 Art. 1(3)): property investigation exhausted, network query done."""
    if _property_investigation_checks:
        return all(check(case) for check in _property_investigation_checks)
    return case.investigations.filter(method="network", exhausted=True).exists()
