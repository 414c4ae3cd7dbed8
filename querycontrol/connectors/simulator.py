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
            rows = services.query(
                institution_code, party.id_number, party.name, request_ref=request_ref, attempt=attempt
            )
        except SimulatorError as exc:
            raise translate(exc) from exc
        return validation.assets(rows)

    def query_many(self, institution_codes, party: Party, *, request_ref, attempt=1):
        answers = services.query_many(
            institution_codes, party.id_number, party.name, request_ref=request_ref, attempt=attempt
        )
        return {
            code: translate(rows) if isinstance(rows, SimulatorError) else _checked(rows)
            for code, rows in answers.items()
        }

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


def publish(institutions, *, reset_behaviour: bool = False) -> int:
    """Tell the simulator which institutions exist (it keeps its own records and never reads ours).

    `institutions`: querycontrol Institution rows. Called when the catalogue is loaded and when one
    institution is saved (querycontrol.apps); the simulator sets how each behaves from its category, and
    `reset_behaviour` puts that back (a catalogue reload restores tuned profiles). Returns rows written.
    """
    from simulator import institutions as sim_institutions

    return sim_institutions.register(
        [
            {
                "code": i.code,
                "name": i.name,
                "kind": i.kind,
                "category": i.category,
                "region_code": i.region_code,
                "supported_actions": list(i.supported_actions),
                "term_years": i.term_years,
                "is_active": i.is_active,
            }
            for i in institutions
        ],
        reset_behaviour=reset_behaviour,
    )


def publish_on_save(sender, instance, **kwargs):
    """post_save receiver on querycontrol.Institution (connected in querycontrol.apps when the simulator is installed)."""
    publish([instance])
