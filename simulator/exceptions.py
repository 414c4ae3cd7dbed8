"""What the simulated institutions answer besides a result. The connectors map these onto the
connector errors (and the HTTP server onto status codes), so the simulator needs nothing of theirs.
"""


class SimulatorError(Exception):
    http_status = 500


class SimulatedTimeout(SimulatorError):
    """The institution did not answer in time (whether it acted or not is unknown to the caller)."""

    http_status = 504


class SimulatedFailure(SimulatorError):
    """The institution answered 'busy / try later' without acting."""

    http_status = 503


class SimulatedRefusal(SimulatorError):
    """The request can never succeed as sent: unknown institution or account, unsupported action."""

    http_status = 422


class SimulatedNotFound(SimulatedRefusal):
    http_status = 404


class IdempotencyConflict(SimulatedRefusal):
    """The idempotency key was used before for a different request."""

    http_status = 409
