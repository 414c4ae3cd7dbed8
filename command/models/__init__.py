# Models of the command app, one module per concept.
from .bulletins import Bulletin
from .incidents import Dispatch, Incident, IncidentEvent, IncidentPhoto, TeamPosition
from .linkage import AssistanceLetter, LinkageUnit
from .operations import FieldTeam, Operation, OperationResult
from .petitions import Petition

__all__ = [
    "AssistanceLetter",
    "Bulletin",
    "Dispatch",
    "FieldTeam",
    "Incident",
    "IncidentEvent",
    "IncidentPhoto",
    "LinkageUnit",
    "Operation",
    "OperationResult",
    "Petition",
    "TeamPosition",
]
