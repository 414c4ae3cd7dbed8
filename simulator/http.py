"""The simulator over HTTP: the same JSON protocol a real gateway speaks to the HTTP connector
(docs/connectors.md). `manage.py serve_simulator` serves `application` (WSGI) with gunicorn in processes
of its own; `make_server` runs the same protocol in a thread of the caller (quick tests that change the
simulator's settings in-process).

    POST /v1/institutions/<code>/query              {"party": {"name", "id_number"}, "request_ref", "attempt"}
    POST /v1/query-batch                            {"institution_codes": [...], "party", "request_ref", "attempt"}
    POST /v1/institutions/<code>/<action>           {"asset_ref", "amount", "term_days", "case_number",
         (freeze|renew|unfreeze|deduct|seal)         "court_code", "attempt"} + header Idempotency-Key
    GET  /healthz                                   {"status": "ok", "pid", "requests", "connections"}

Errors answer {"error": {"type": "timeout|transient|permanent", "message"}} with 504 / 503 / 4xx.
`/healthz` counts, over all the server's processes, the requests answered and the TCP connections they came on:
requests ≫ connections shows that clients keep their connections alive (tests/simulator/test_serve_simulator.py).
"""

import json
import logging
import multiprocessing
import os
import re
import threading
import weakref
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import close_old_connections, connections

from . import services
from .exceptions import SimulatedFailure, SimulatedTimeout, SimulatorError

log = logging.getLogger(__name__)
ROUTE = re.compile(rf"^/v1/institutions/(?P<code>[A-Za-z0-9_-]+)/(?P<action>{'|'.join(('query', *services.ACTIONS))})$")
MAX_BODY = 4 * 1024 * 1024


class BadRequest(ValueError):
    pass


def error_json(exc: SimulatorError) -> dict:
    kind = (
        "timeout"
        if isinstance(exc, SimulatedTimeout)
        else "transient"
        if isinstance(exc, SimulatedFailure)
        else "permanent"
    )
    return {"error": {"type": kind, "message": str(exc)}}


class _Counters:
    """Requests answered and TCP connections they came on, summed over the server's processes: the
    numbers live in shared memory made at import, before gunicorn forks its workers."""

    def __init__(self):
        self.lock = multiprocessing.Lock()
        self.shared = multiprocessing.RawArray("q", 2)  # requests, connections
        self._open = weakref.WeakSet()  # this process's connections' sockets: a new one is a new TCP connection
        self._open_lock = threading.Lock()

    def seen(self, connection):
        new = False
        if connection is not None:
            with self._open_lock:
                new = connection not in self._open
                if new:
                    self._open.add(connection)
        with self.lock:
            self.shared[0] += 1
            self.shared[1] += int(new)

    def as_json(self) -> dict:
        with self.lock:
            requests, conns = self.shared[0], self.shared[1]
        return {"status": "ok", "pid": os.getpid(), "requests": requests, "connections": conns}


counters = _Counters()


def respond(method: str, path: str, body: bytes, idempotency_key: str = "") -> tuple[int, dict]:
    """One request of the protocol → (HTTP status, JSON payload). Never raises."""
    if method == "GET":
        if path == "/healthz":
            return 200, counters.as_json()
        return 404, {"error": {"type": "permanent", "message": "not found"}}
    if method != "POST":
        return 405, {"error": {"type": "permanent", "message": "method not allowed"}}
    try:
        return 200, _dispatch(path, body, idempotency_key)
    except _NotFound:
        return 404, {"error": {"type": "permanent", "message": "not found"}}
    except SimulatorError as exc:
        return exc.http_status, error_json(exc)
    except (ValueError, KeyError, TypeError) as exc:
        return 400, {"error": {"type": "permanent", "message": f"请求格式错误 (bad request): {exc}"}}
    except Exception:  # an unexpected failure is the gateway's problem: worth a retry
        log.exception("simulator request failed")
        return 500, {"error": {"type": "transient", "message": "internal error"}}


class _NotFound(Exception):
    pass


def _json_body(raw: bytes) -> dict:
    try:
        data = json.loads(raw or b"{}")
    except RecursionError:  # nested past the recursion limit: as malformed as any other bad body (a 400, not a 500)
        raise ValueError("JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError("JSON object expected")
    return data


def _dispatch(path: str, raw: bytes, idempotency_key: str) -> dict:
    if path != "/v1/query-batch" and not ROUTE.match(path):
        raise _NotFound
    body = _json_body(raw)
    attempt = int(body.get("attempt") or 1)
    if path == "/v1/query-batch":
        party = body["party"]
        answers = services.query_many(
            body["institution_codes"],
            party["id_number"],
            party.get("name", ""),
            request_ref=body["request_ref"],
            attempt=attempt,
        )
        return {
            "results": {
                code: error_json(rows) if isinstance(rows, SimulatorError) else {"assets": rows}
                for code, rows in answers.items()
            }
        }
    match = ROUTE.match(path)
    code, action = match["code"], match["action"]
    if action == "query":
        party = body["party"]
        rows = services.query(
            code, party["id_number"], party.get("name", ""), request_ref=body["request_ref"], attempt=attempt
        )
        return {"assets": rows}
    term_days = body.get("term_days")
    return services.control(
        action,
        code,
        body["asset_ref"],
        amount=body.get("amount"),
        term_days=int(term_days) if term_days is not None else None,
        case_number=body["case_number"],
        court_code=body["court_code"],
        idempotency_key=idempotency_key,
        attempt=attempt,
    )


def _encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


# --- WSGI (gunicorn: manage.py serve_simulator) ---------------------------------------------------


def application(environ, start_response):
    """The protocol as a WSGI application. Database connections are kept per server thread and
    checked as Django checks a request's (CONN_MAX_AGE, CONN_HEALTH_CHECKS), not opened per request."""
    counters.seen(environ.get("gunicorn.socket"))
    close_old_connections()
    try:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            status, payload = 400, {"error": {"type": "permanent", "message": "请求体过大或长度无效 (bad body length)"}}
        else:
            raw = environ["wsgi.input"].read(length) if length else b""
            status, payload = respond(
                environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), raw, environ.get("HTTP_IDEMPOTENCY_KEY", "")
            )
    finally:
        close_old_connections()
    body = _encode(payload)
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


# --- in-thread server (tests) ---------------------------------------------------------------------


class SimulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ExecCenterSimulator/1.0"

    def log_message(self, fmt, *args):  # route the access log through logging, not stderr
        log.debug("%s " + fmt, self.address_string(), *args)

    def _answer(self, method):
        counters.seen(self.connection)
        try:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                raise BadRequest("bad body length") from None
            if length < 0 or length > MAX_BODY:
                raise BadRequest("bad body length")
            raw = self.rfile.read(length) if length else b""
            status, payload = respond(method, self.path, raw, self.headers.get("Idempotency-Key", ""))
        except BadRequest:
            self.close_connection = True  # the body was not read: the connection cannot be reused
            status, payload = 400, {"error": {"type": "permanent", "message": "请求体过大或长度无效 (bad body length)"}}
        finally:
            connections.close_all()  # one thread per connection: never leak its database connection
        body = _encode(payload)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._answer("GET")

    def do_POST(self):
        self._answer("POST")


def make_server(host: str = "127.0.0.1", port: int = 8765) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), SimulatorHandler)
    server.daemon_threads = True
    return server
