"""In-process connector to the simulated outside world (the default; tests and the demo).

It calls `simulator.services` directly and translates the simulator's answers and exceptions into
the connector interface, exactly as the HTTP connector does for a gateway. Only this module and the
HTTP server in simulator/ know that the simulator exists.
"""
from simulator import services
from simulator.exceptions import SimulatedFailure, SimulatedRefusal, SimulatedTimeout, SimulatorError

from . import validation
from .base import (
    Connector,
    ConnectorError,
    ConnectorTimeout,
    ControlResult,
    Party,
    PermanentConnectorError,
    TransientConnectorError,
)


def translate(exc: SimulatorError) -> ConnectorError:
    if isinstance(exc, SimulatedTimeout):
        return ConnectorTimeout(str(exc))
    if isinstance(exc, SimulatedFailure):
        return TransientConnectorError(str(exc))
    if isinstance(exc, SimulatedRefusal):
        return PermanentConnectorError(str(exc))
    return TransientConnectorError(str(exc))


class SimulatorConnector(Connector):
    def query(self, institution_code, party: Party, *, request_ref, attempt=1):
        try:
            rows = services.query(institution_code, party.id_number, party.name, request_ref=request_ref, attempt=attempt)
        except SimulatorError as exc:
            raise translate(exc) from exc
        return validation.assets(rows)

    def query_many(self, institution_codes, party: Party, *, request_ref, attempt=1):
        answers = services.query_many(
            institution_codes, party.id_number, party.name, request_ref=request_ref, attempt=attempt
        )
        return {code: translate(rows) if isinstance(rows, SimulatorError) else _checked(rows) for code, rows in answers.items()}

    def _control(self, action, institution_code, asset_ref, **kwargs) -> ControlResult:
        try:
            answer = services.control(action, institution_code, asset_ref, **kwargs)
        except SimulatorError as exc:
            raise translate(exc) from exc
        return validation.control_result(answer)


def _checked(rows):
    """The simulator is held to the same protocol as a gateway: a bad answer fails its institution alone."""
    try:
        return validation.assets(rows)
    except validation.InvalidAnswer as exc:
        return exc

