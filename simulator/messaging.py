"""A simulated SMS gateway and group-robot receiver (企业微信/钉钉 style) over HTTP, for the notification channels
(execcenter.channels). It keeps what it received in memory, answers a repeated Idempotency-Key with the first
answer without keeping the message twice, and can be told to fail the next N requests (503) to exercise retries.

    POST /v1/sms                  {"phone", "text", "ref"}           → {"message_id"}
    POST /robot/send?key=<k>      {"msgtype": "text", "text": {...}} → {"errcode": 0, "errmsg": "ok", "msgid"}

Run it with `MessagingGateway(port=0).start()` (tests: a free port of its own) and stop with `.stop()`.
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: tests read the gateway's records, not its access log
        pass

    def _answer(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        gateway = self.server.gateway
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        url = urlsplit(self.path)
        with gateway.lock:
            gateway.requests += 1
            if gateway.failures_left > 0:
                gateway.failures_left -= 1
                return self._answer(503, {"error": "simulated outage"})
            key = self.headers.get("Idempotency-Key") or str(uuid.uuid4())
            if key in gateway.answers:
                return self._answer(200, gateway.answers[key])
            try:
                payload = json.loads(raw or b"{}")
            except ValueError:
                return self._answer(400, {"error": "body is not JSON"})
            if url.path == "/v1/sms":
                if not payload.get("phone") or not payload.get("text"):
                    return self._answer(400, {"error": "phone and text are required"})
                answer = {"message_id": f"SMS-{len(gateway.sms) + 1:06d}"}
                gateway.sms.append({"key": key, **payload})
            elif url.path == "/robot/send":
                robot = (parse_qs(url.query).get("key") or [""])[0]
                if robot in gateway.blocked_robots:
                    answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
                else:
                    answer = {"errcode": 0, "errmsg": "ok", "msgid": f"ROBOT-{len(gateway.robot) + 1:06d}"}
                    gateway.robot.append({"key": key, "robot": robot, **payload})
            else:
                return self._answer(404, {"error": "no such endpoint"})
            gateway.answers[key] = answer
        return self._answer(200, answer)


class MessagingGateway:
    def __init__(self, host="127.0.0.1", port=0):
        self.server = ThreadingHTTPServer((host, port), _Handler)
        self.server.gateway = self
        self.lock = threading.Lock()
        self.sms, self.robot, self.answers, self.blocked_robots = [], [], {}, set()
        self.failures_left = 0
        self.requests = 0
        self._thread = None

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, n):
        with self.lock:
            self.failures_left = n

    def start(self):
        self._thread = threading.Thread(target=self.server.serve_forever, name="messaging-gateway", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
