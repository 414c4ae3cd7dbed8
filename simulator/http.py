"""The simulator over HTTP: the same JSON protocol a real gateway speaks to the HTTP connector
(docs/connectors.md). Served by `manage.py serve_simulator`; the HTTP connector's tests run it on a
free port in a thread.

    POST /v1/institutions/<code>/query              {"party": {"name", "id_number"}, "request_ref", "attempt"}
    POST /v1/query-batch                            {"institution_codes": [...], "party", "request_ref", "attempt"}
    POST /v1/institutions/<code>/<action>           {"asset_ref", "amount", "term_days", "case_number",
         (freeze|renew|unfreeze|deduct|seal)         "court_code", "attempt"} + header Idempotency-Key
    GET  /healthz

Errors answer {"error": {"type": "timeout|transient|permanent", "message"}} with 504 / 503 / 4xx.
"""

import json
import logging
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import connections

from . import services
from .exceptions import SimulatedFailure, SimulatedTimeout, SimulatorError

log = logging.getLogger(__name__)
ROUTE = re.compile(rf"^/v1/institutions/(?P<code>[A-Za-z0-9_-]+)/(?P<action>{'|'.join(('query', *services.ACTIONS))})$")
MAX_BODY = 4 * 1024 * 1024


def error_json(exc: SimulatorError) -> dict:
    kind = (
        "timeout"
        if isinstance(exc, SimulatedTimeout)
        else "transient"
        if isinstance(exc, SimulatedFailure)
        else "permanent"
    )
    return {"error": {"type": kind, "message": str(exc)}}


class SimulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ExecCenterSimulator/1.0"

    def log_message(self, fmt, *args):  # route the access log through logging, not stderr
        log.debug("%s " + fmt, self.address_string(), *args)

    def _send(self, status: int, payload: dict):
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/healthz":
            return self._send(200, {"status": "ok"})
        return self._send(404, {"error": {"type": "permanent", "message": "not found"}})

    def do_POST(self):
        try:
            self._dispatch()
        except SimulatorError as exc:
            self._send(exc.http_status, error_json(exc))
        except (ValueError, KeyError, TypeError) as exc:
            self._send(400, {"error": {"type": "permanent", "message": f"请求格式错误 (bad request): {exc}"}})
        except Exception:  # an unexpected failure is the gateway's problem: worth a retry
            log.exception("simulator request failed")
            self._send(500, {"error": {"type": "transient", "message": "internal error"}})
        finally:
            connections.close_all()  # one thread per request: never leak its database connection

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("body too large")
        data = json.loads(self.rfile.read(length) or b"{}")
        if not isinstance(data, dict):
            raise ValueError("JSON object expected")
        return data

    def _dispatch(self):
        body = self._body()
        attempt = int(body.get("attempt") or 1)
        if self.path == "/v1/query-batch":
            party = body["party"]
            answers = services.query_many(
                body["institution_codes"],
                party["id_number"],
                party.get("name", ""),
                request_ref=body["request_ref"],
                attempt=attempt,
            )
            results = {
                code: error_json(rows) if isinstance(rows, SimulatorError) else {"assets": rows}
                for code, rows in answers.items()
            }
            return self._send(200, {"results": results})
        match = ROUTE.match(self.path)
        if not match:
            return self._send(404, {"error": {"type": "permanent", "message": "not found"}})
        code, action = match["code"], match["action"]
        if action == "query":
            party = body["party"]
            rows = services.query(
                code, party["id_number"], party.get("name", ""), request_ref=body["request_ref"], attempt=attempt
            )
            return self._send(200, {"assets": rows})
        term_days = body.get("term_days")
        response = services.control(
            action,
            code,
            body["asset_ref"],
            amount=body.get("amount"),
            term_days=int(term_days) if term_days is not None else None,
            case_number=body["case_number"],
            court_code=body["court_code"],
            idempotency_key=self.headers.get("Idempotency-Key", ""),
            attempt=attempt,
        )
        return self._send(200, response)


def make_server(host: str = "127.0.0.1", port: int = 8765) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), SimulatorHandler)
    server.daemon_threads = True
    return server
