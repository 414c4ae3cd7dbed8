from .approvals import ApprovalRequest
from .auctions import AuctionItem, AuctionRound
from .core import MONEY, Case, CaseEvent, CaseParty, CaseQuerySet, CaseSequence, MoneyEntry, Party
from .documents import DocumentKind, IssuedDocument
from .lawyer_orders import LawyerOrderApplication
from .ledger import BankStatementImport, LongPendingAction, LongPendingEntry, LongPendingFollowUp, UnclaimedReceipt
from .measures import Measure
from .procedure import CaseSuspension, DeadlineExtension, PropertyInvestigation, RequerySchedule
from .rewards import RewardEntry, RewardLead, RewardNotice
from .settlements import SettlementInstalment, SettlementPlan
from .tallies import CaseTally
from .transfers import CaseTransfer

__all__ = [
    "MONEY",
    "Case",
    "CaseTransfer",
    "CaseTally",
    "LawyerOrderApplication",
    "RewardNotice",
    "RewardLead",
    "RewardEntry",
    "SettlementPlan",
    "SettlementInstalment",
    "CaseEvent",
    "CaseParty",
    "CaseQuerySet",
    "CaseSequence",
    "MoneyEntry",
    "Party",
    "CaseSuspension",
    "DeadlineExtension",
    "PropertyInvestigation",
    "RequerySchedule",
    "Measure",
    "AuctionItem",
    "AuctionRound",
    "BankStatementImport",
    "DocumentKind",
    "IssuedDocument",
    "LongPendingAction",
    "LongPendingEntry",
    "LongPendingFollowUp",
    "UnclaimedReceipt",
    "ApprovalRequest",
]
