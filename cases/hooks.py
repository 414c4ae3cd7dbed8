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


# --- Auctions: what sells and what happens after (querycontrol ties items to the seals they sell) -----------
_auction_listeners = []
_auction_item_makers = []


def register_auction_listener(func):
    """Register `func(round, actor=None, request=None)`, called in the transaction that records a round's outcome."""
    if func not in _auction_listeners:
        _auction_listeners.append(func)
    return func


def auction_concluded(rnd, actor=None, request=None):
    for func in list(_auction_listeners):
        func(rnd, actor=actor, request=request)


def register_auction_item_maker(func):
    """Register `func(actor, case, source, **fields) -> AuctionItem`: makes an item from `source` (the id of the
    seal or freeze it sells), refusing one that may not be sold. The API's item creation goes through it."""
    if func not in _auction_item_makers:
        _auction_item_makers.append(func)
    return func


def auction_item_maker():
    """The registered maker, or None (then items are made by cases.auctions.add_item with no source)."""
    return _auction_item_makers[0] if _auction_item_makers else None


# --- Transfers between courts: what blocks a move, and what must move with the case -------------------------
_transfer_blockers = []
_court_change_listeners = []


def register_transfer_blocker(func):
    """Register `func(case) -> [reason]`: work in flight that must finish before the case may leave its court."""
    if func not in _transfer_blockers:
        _transfer_blockers.append(func)
    return func


def transfer_blockers(case):
    return [reason for func in list(_transfer_blockers) for reason in func(case)]


def register_court_change_listener(func):
    """Register `func(case, old_court, new_court)`, called in the transaction that moves the case: rows that copy
    the case's court for the screens (query requests, found assets, orders) follow it."""
    if func not in _court_change_listeners:
        _court_change_listeners.append(func)
    return func


def court_changed(case, old_court, new_court):
    for func in list(_court_change_listeners):
        func(case, old_court, new_court)
