"""The connector interface: the only door from the product to banks and registries.

A real deployment swaps the simulator connector for HTTP gateways; nothing else in the code base
reads the simulator's tables. Every call that changes something carries `idempotency_key` (the
order's UUID): an institution that has seen the key returns its first answer, so a retried or
redelivered task never freezes or deducts twice.
"""

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
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

    def to_json(self) -> dict:
        data = asdict(self)
        data["balance"] = str(self.balance)
        data["frozen_by_others"] = str(self.frozen_by_others)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "FoundAsset":
        return cls(
            asset_ref=data["asset_ref"],
            asset_kind=data["asset_kind"],
            description=data.get("description", ""),
            balance=Decimal(str(data["balance"])),
            frozen_by_others=Decimal(str(data.get("frozen_by_others", "0.00"))),
            details=data.get("details") or {},
        )


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

    def to_json(self) -> dict:
        data = asdict(self)
        data["requested_amount"] = str(self.requested_amount)
        data["effective_amount"] = str(self.effective_amount)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "ControlResult":
        return cls(
            status=data["status"],
            requested_amount=Decimal(str(data["requested_amount"])),
            effective_amount=Decimal(str(data["effective_amount"])),
            expires_on=data.get("expires_on"),
            queue_position=data.get("queue_position"),
            institution_ref=data.get("institution_ref", ""),
            message=data.get("message", ""),
        )


class Connector(ABC):
    """One implementation per transport; methods raise the errors above and return the dataclasses.

    `attempt` (1, 2, ...) is the caller's retry counter: it is sent along so that an institution (and
    the simulator's fault injection) can tell a retry from a first try; it never changes the answer
    to an idempotency key already seen.

    Amounts are Decimal yuan. `term_days` is the length of a freeze / seal or of one renewal; the
    returned `expires_on` is the last day the freeze / seal is in force (ISO date).
    """

    @abstractmethod
    def query(self, institution_code: str, party: Party, *, request_ref: str, attempt: int = 1) -> list[FoundAsset]:
        """Accounts / assets the institution holds for `party` (an empty list when none)."""

    def query_many(
        self, institution_codes, party: Party, *, request_ref: str, attempt: int = 1
    ) -> dict[str, "list[FoundAsset] | ConnectorError"]:
        """Query several institutions for one party: {code: assets or the ConnectorError raised}.

        One failing institution never fails the batch. Transports override this to batch the round
        trips (the fan-out sends chunks of institutions per task).
        """
        results = {}
        for code in institution_codes:
            try:
                results[code] = self.query(code, party, request_ref=request_ref, attempt=attempt)
            except ConnectorError as exc:
                results[code] = exc
        return results

    @abstractmethod
    def _control(self, action: str, institution_code: str, asset_ref: str, **kwargs) -> ControlResult:
        """Carry one control action to the institution; the five public actions below all come here, so a
        transport implements the request once (kwargs: amount, term_days, case_number, court_code,
        idempotency_key, attempt)."""

    def freeze(
        self, institution_code, asset_ref, amount, *, term_days, case_number, court_code, idempotency_key, attempt=1
    ) -> ControlResult:
        """Freeze up to `amount` (done / partial with the amount actually frozen / queued behind others)."""
        return self._control(
            "freeze",
            institution_code,
            asset_ref,
            amount=amount,
            term_days=term_days,
            case_number=case_number,
            court_code=court_code,
            idempotency_key=idempotency_key,
            attempt=attempt,
        )

    def renew(
        self, institution_code, asset_ref, *, term_days, case_number, court_code, idempotency_key, attempt=1
    ) -> ControlResult:
        """Extend this case's freeze / seal on the asset by `term_days`; only before it has expired."""
        return self._control(
            "renew",
            institution_code,
            asset_ref,
            term_days=term_days,
            case_number=case_number,
            court_code=court_code,
            idempotency_key=idempotency_key,
            attempt=attempt,
        )

    def unfreeze(
        self, institution_code, asset_ref, amount, *, case_number, court_code, idempotency_key, attempt=1
    ) -> ControlResult:
        """Release `amount` (None = all) of this case's freeze / seal; queued ones behind it move up."""
        return self._control(
            "unfreeze",
            institution_code,
            asset_ref,
            amount=amount,
            case_number=case_number,
            court_code=court_code,
            idempotency_key=idempotency_key,
            attempt=attempt,
        )

    def deduct(
        self, institution_code, asset_ref, amount, *, case_number, court_code, idempotency_key, attempt=1
    ) -> ControlResult:
        """Transfer up to `amount` out of the funds frozen for this same case (never other money)."""
        return self._control(
            "deduct",
            institution_code,
            asset_ref,
            amount=amount,
            case_number=case_number,
            court_code=court_code,
            idempotency_key=idempotency_key,
            attempt=attempt,
        )

    def seal(
        self, institution_code, asset_ref, *, term_days, case_number, court_code, idempotency_key, attempt=1
    ) -> ControlResult:
        """Seal (查封) a non-cash asset: done, or queued (轮候查封) behind an earlier seal."""
        return self._control(
            "seal",
            institution_code,
            asset_ref,
            term_days=term_days,
            case_number=case_number,
            court_code=court_code,
            idempotency_key=idempotency_key,
            attempt=attempt,
        )
