"""JSON over HTTP to a gateway of banks and registries (or to `manage.py serve_simulator`).

The protocol is in docs/connectors.md. Every order carries `Idempotency-Key` = the order's UUID, so
a retry after a timeout (when the institution may well have acted) returns the first answer instead
of acting twice. Failures map onto the interface's errors: a timeout or 504 → ConnectorTimeout,
connection errors, 429 and 5xx → TransientConnectorError (retry with backoff), other 4xx →
PermanentConnectorError (never retried).

Transport: httpx (requirements.txt), one client per process with a pool of keep-alive connections per
gateway, shared by the process's query threads. A fan-out of 3,860 institutions in batches then costs a
handful of TCP connections per worker process instead of one per request (issue 17).
"""

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import quote

import httpx

from execcenter import safejson

from . import validation
from .base import (
    Connector,
    ConnectorError,
    ConnectorTimeout,
    Party,
    PermanentConnectorError,
    TransientConnectorError,
)

ERROR_TYPES = {"timeout": ConnectorTimeout, "transient": TransientConnectorError, "permanent": PermanentConnectorError}

# Idle connections are closed by the client after this many seconds: shorter than a gateway's keep-alive
# (serve_simulator: 75 s; nginx's default: 75 s), so a request is never sent on a connection the server is closing.
KEEPALIVE_EXPIRY = 30.0
# Connecting is quick or the gateway is down: do not wait the whole answer timeout for it.
CONNECT_TIMEOUT = 3.0


_ssl = {"context": None}
_ssl_lock = threading.Lock()


def ssl_context():
    """The TLS settings every client of the process tree shares (certifi's CA bundle). Loading them costs
    0.15 s of CPU (0.6 s with the import of httpx), so a Celery worker makes them once before it forks
    its pool (`prepare`, from querycontrol.tasks), not once per pool process at its first query."""
    with _ssl_lock:
        if _ssl["context"] is None:
            _ssl["context"] = httpx.create_ssl_context()
        return _ssl["context"]


def _message(raw: bytes, default: str) -> str:
    try:
        return safejson.loads(raw)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return default


def _error_from_json(data: dict) -> ConnectorError:
    err = data.get("error") or {}
    return ERROR_TYPES.get(err.get("type"), TransientConnectorError)(err.get("message", "error"))


class HTTPConnector(Connector):
    """`timeout`: seconds to wait for an answer (per read; connecting: at most CONNECT_TIMEOUT).
    `pool_size`: keep-alive connections per gateway and process — at least the threads that call at
    once (QUERYCONTROL_QUERY_THREADS, or `batch_threads` for gateways without a batch endpoint), else
    a caller waits for a free connection (and after `timeout`, gets ConnectorTimeout)."""

    GATEWAY_CACHE_SECONDS = 60

    def __init__(self, base_url: str, *, timeout: float = 10.0, batch_threads: int = 16, pool_size: int = 32):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.batch_threads = batch_threads
        self.pool_size = pool_size
        self._gateways: dict[str, str] = {}
        self._gateways_loaded = 0.0
        self._lock = threading.Lock()
        self._client_pid = None
        self._client = None

    def client(self) -> httpx.Client:
        """This process's pooled client. Made after a fork (a Celery prefork child must not share its
        parent's sockets), then shared by every thread of the process (httpx.Client is thread-safe)."""
        with self._lock:
            if self._client_pid != os.getpid():
                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.timeout, connect=min(CONNECT_TIMEOUT, self.timeout)),
                    limits=httpx.Limits(
                        max_connections=self.pool_size,
                        max_keepalive_connections=self.pool_size,
                        keepalive_expiry=KEEPALIVE_EXPIRY,
                    ),
                    headers={"Accept": "application/json"},
                    verify=ssl_context(),
                    trust_env=False,  # a gateway on the court's network is never reached through a proxy
                )
                self._client_pid = os.getpid()
            return self._client

    def prepare(self):
        """In a worker's parent process, before its pool forks: load what each pool process would
        otherwise load at its first query, all at once (the TLS settings)."""
        ssl_context()

    def close(self):
        """Close this process's pooled connections (tests; a worker exiting closes them anyway)."""
        with self._lock:
            if self._client is not None and self._client_pid == os.getpid():
                self._client.close()
            self._client, self._client_pid = None, None

    def _gateway_urls(self) -> dict[str, str]:
        """Institutions with a gateway of their own (点对点) instead of the shared one (总对总)."""
        with self._lock:
            if time.monotonic() - self._gateways_loaded > self.GATEWAY_CACHE_SECONDS:
                from querycontrol.models import Institution

                self._gateways = dict(Institution.objects.exclude(gateway_url="").values_list("code", "gateway_url"))
                self._gateways_loaded = time.monotonic()
            return self._gateways

    def _base_for(self, code: str) -> str:
        return self._gateway_urls().get(code, self.base_url).rstrip("/")

    # --- transport ---------------------------------------------------------------------------

    def _post(self, path: str, payload: dict, *, idempotency_key: str | None = None, base: str | None = None) -> dict:
        timeout = self.timeout
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        body = json.dumps(payload, ensure_ascii=False, default=str).encode()
        try:
            response = self.client().post((base or self.base_url) + path, content=body, headers=headers)
        except httpx.TimeoutException as exc:  # connect, read, write, or no pooled connection free in time
            raise ConnectorTimeout(f"no answer within {timeout}s ({type(exc).__name__})") from exc
        except (httpx.TransportError, httpx.InvalidURL) as exc:  # refused, reset, closed mid-answer, bad address
            raise TransientConnectorError(f"connection failed: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            message = _message(response.content, f"HTTP {response.status_code}")
            if response.status_code in (408, 504):
                raise ConnectorTimeout(message)
            if response.status_code == 429 or response.status_code >= 500:
                raise TransientConnectorError(message)
            raise PermanentConnectorError(message)
        try:
            return safejson.loads(response.content)
        except ValueError as exc:  # not JSON: a broken gateway, maybe a proxy error page
            raise TransientConnectorError(f"invalid response: {exc}") from exc

    @staticmethod
    def _institution_path(code: str, action: str) -> str:
        return f"/v1/institutions/{quote(code, safe='')}/{action}"

    # --- queries -----------------------------------------------------------------------------

    def query(self, institution_code, party: Party, *, request_ref, attempt=1):
        data = self._post(
            self._institution_path(institution_code, "query"),
            {
                "party": {"name": party.name, "id_number": party.id_number},
                "request_ref": request_ref,
                "attempt": attempt,
            },
            base=self._base_for(institution_code),
        )
        return validation.query_answer(data)

    def query_many(self, institution_codes, party: Party, *, request_ref, attempt=1):
        codes = list(dict.fromkeys(institution_codes))
        own = self._gateway_urls()
        direct = [c for c in codes if c in own]
        results = self._query_each(direct, party, request_ref=request_ref, attempt=attempt) if direct else {}
        results.update(
            self._query_batch([c for c in codes if c not in own], party, request_ref=request_ref, attempt=attempt)
        )
        return results

    def _query_batch(self, codes, party, *, request_ref, attempt):
        if not codes:
            return {}
        payload = {
            "institution_codes": codes,
            "party": {"name": party.name, "id_number": party.id_number},
            "request_ref": request_ref,
            "attempt": attempt,
        }
        try:
            data = self._post("/v1/query-batch", payload)
        except PermanentConnectorError:
            return self._query_each(codes, party, request_ref=request_ref, attempt=attempt)  # no batch endpoint
        except ConnectorError as exc:
            return {code: type(exc)(str(exc)) for code in codes}
        answers = data.get("results") if isinstance(data, dict) else None
        if not isinstance(answers, dict):
            # The whole body is off-protocol (a proxy's page, a broken gateway): nobody's answer is in it.
            return {code: TransientConnectorError("invalid batch response: no results object") for code in codes}
        results = {}
        for code in codes:
            item = answers.get(code)
            if item is None:
                results[code] = TransientConnectorError("no answer for this institution in the batch")
            elif isinstance(item, dict) and isinstance(item.get("error"), dict):
                results[code] = _error_from_json(item)
            else:
                # One institution's malformed answer fails that institution alone (issue 16).
                try:
                    results[code] = validation.query_answer(item)
                except validation.InvalidAnswer as exc:
                    results[code] = exc
        return results

    def _query_each(self, codes, party, *, request_ref, attempt):
        def one(code):
            try:
                return code, self.query(code, party, request_ref=request_ref, attempt=attempt)
            except ConnectorError as exc:
                return code, exc

        with ThreadPoolExecutor(max_workers=self.batch_threads) as pool:
            return dict(pool.map(one, codes))

    # --- orders ------------------------------------------------------------------------------

    def _control(self, action, institution_code, asset_ref, *, idempotency_key, amount=None, term_days=None, **fields):
        payload = {"asset_ref": asset_ref, **fields}
        if amount is not None:
            payload["amount"] = str(Decimal(str(amount)))
        if term_days is not None:
            payload["term_days"] = int(term_days)
        data = self._post(
            self._institution_path(institution_code, action),
            payload,
            idempotency_key=str(idempotency_key),
            base=self._base_for(institution_code),
        )
        return validation.control_result(data)
