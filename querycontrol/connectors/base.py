"""The connector interface: the only door from the product to banks and registries.

A real deployment swaps the simulator connector for HTTP gateways; nothing else in the code base
reads the simulator's tables. Every call that changes something carries `idempotency_key` (the
order's UUID): an institution that has seen the key returns its first answer, so a retried or
redelivered task never freezes or deducts twice.
"""
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal


class ConnectorError(Exception):
    """Base of connector failures."""


class TransientConnectorError(ConnectorError):
    """Worth retrying with backoff: timeout, connection refused, 5xx, 'busy'."""


class ConnectorTimeout(TransientConnectorError):
    pass


class PermanentConnectorError(ConnectorError):
    """Do not retry: the institution refused the request (unknown account, bad request, not supported)."""


@dataclass
class Party:
    """Who is asked about: name and ID number / credit code (what a bank query carries)."""

    name: str
    id_number: str


@dataclass
class FoundAsset:
    """One account or asset an institution reports for a party."""

    asset_ref: str  # the institution's own reference: account number, certificate number, plate ...
    asset_kind: str  # deposit, real_estate, vehicle, securities, provident_fund, payment, insurance, ship, equity
    description: str
    balance: Decimal  # deposits: balance; other assets: appraised/registered value (yuan)
    frozen_by_others: Decimal = Decimal("0.00")
    details: dict = field(default_factory=dict)


@dataclass
class ControlResult:
    """The institution's answer to freeze / renew / unfreeze / deduct / seal."""

    status: str  # done, partial, queued, rejected
    requested_amount: Decimal
    effective_amount: Decimal  # actually frozen / deducted / released
    expires_on: str | None = None  # ISO date for freezes and renewals
    queue_position: int | None = None
    institution_ref: str = ""  # the institution's receipt number
    message: str = ""


class Connector(ABC):
    """One implementation per transport; methods raise the errors above and return the dataclasses."""

    @abstractmethod
    def query(self, institution_code: str, party: Party, *, request_ref: str) -> list[FoundAsset]:
        """See the class docstring."""

    @abstractmethod
    def freeze(self, institution_code, asset_ref, amount, *, term_days, case_number, court_code, idempotency_key) -> ControlResult:
        """See the class docstring."""

    @abstractmethod
    def renew(self, institution_code, asset_ref, *, term_days, case_number, court_code, idempotency_key) -> ControlResult:
        """See the class docstring."""

    @abstractmethod
    def unfreeze(self, institution_code, asset_ref, amount, *, case_number, court_code, idempotency_key) -> ControlResult:
        """See the class docstring."""

    @abstractmethod
    def deduct(self, institution_code, asset_ref, amount, *, case_number, court_code, idempotency_key) -> ControlResult:
        """See the class docstring."""

    @abstractmethod
    def seal(self, institution_code, asset_ref, *, term_days, case_number, court_code, idempotency_key) -> ControlResult:
        """See the class docstring."""
