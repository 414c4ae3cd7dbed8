"""The mixed load of `make load` (issue 16): big screens polling, judges browsing and filing freezes, approvers
deciding, partner systems starting queries and reading them — all at once, against gunicorn + PostgreSQL + Redis +
Celery workers started by load/run.py, which writes the credentials this file reads (LOAD_CONFIG).

Expected refusals (a freeze on an asset someone else already controls, an order another approver decided first)
are counted as successes of their kind, not errors: they are the product answering correctly under contention.
"""

import json
import os
import random
import threading

from locust import HttpUser, between, constant, task

CONFIG = json.load(open(os.environ["LOAD_CONFIG"], encoding="utf-8"))
_assets = list(CONFIG["assets"])
_assets_lock = threading.Lock()


def _next_asset():
    with _assets_lock:
        return _assets.pop() if _assets else None


class Screen(HttpUser):
    """A big screen: one poll every 5 s with If-None-Match (the 304 path)."""

    fixed_count = CONFIG["screens"]
    wait_time = constant(5)

    def on_start(self):
        self.court = random.choice(CONFIG["courts"])
        self.etag = None

    @task
    def poll(self):
        headers = {"X-Screen-Token": CONFIG["screen_token"]}
        if self.etag:
            headers["If-None-Match"] = self.etag
        with self.client.get(
            f"/api/v1/screens/{self.court}/snapshot", headers=headers, name="screen poll", catch_response=True
        ) as r:
            if r.status_code in (200, 304):
                self.etag = r.headers.get("ETag", self.etag)
                r.success()


class _Officer(HttpUser):
    abstract = True

    def on_start(self):
        login = random.choice(CONFIG[self.logins])
        self.client.cookies.set("sessionid", login["session"])
        self.client.cookies.set("csrftoken", login["csrf"])
        self.csrf = login["csrf"]

    def post(self, path, data, name, ok=(200, 201)):
        with self.client.post(
            path,
            json=data,
            headers={"X-CSRFToken": self.csrf, "Referer": self.host + "/"},
            name=name,
            catch_response=True,
        ) as r:
            if r.status_code in ok:
                r.success()
            else:
                r.failure(f"{r.status_code} {r.text[:120]}")
            return r


class Judge(_Officer):
    fixed_count = CONFIG["judges"]
    logins = "judge_logins"
    wait_time = between(3, 8)

    @task(5)
    def case_list_api(self):
        self.client.get("/api/v1/cases/?page_size=50", name="case list (API)")

    @task(3)
    def case_list_page(self):
        self.client.get("/cases/", name="case list (page)")

    @task(2)
    def order_list(self):
        self.client.get("/api/v1/control-orders/?page_size=20", name="order list (API)")

    @task(2)
    def file_freeze(self):
        asset = _next_asset()
        if asset is None:
            return
        # 400 already_controlled / over_freeze: another judge got there first — the rule holding, not an error.
        self.post(
            "/api/v1/control-orders/",
            {"kind": "freeze", "asset": asset, "amount": "1000.00"},
            "file freeze",
            ok=(201, 400),
        )


class Approver(_Officer):
    fixed_count = CONFIG["approvers"]
    logins = "approver_logins"
    wait_time = between(2, 5)

    @task
    def decide(self):
        r = self.client.get("/api/v1/control-orders/?status=submitted&page_size=10", name="orders awaiting approval")
        if r.status_code != 200:
            return
        body = r.json()
        rows = body.get("results", body) if isinstance(body, dict) else body
        if rows:
            order = random.choice(rows)
            # 409: decided by another approver a moment ago (the compare-and-swap holding).
            self.post(
                f"/api/v1/control-orders/{order['id']}/approve/", {"note": "同意"}, "approve order", ok=(200, 409, 400)
            )


class Partner(HttpUser):
    fixed_count = CONFIG["partners"]
    wait_time = between(5, 15)

    def on_start(self):
        self.headers = {"Authorization": f"Api-Key {random.choice(CONFIG['partner_keys'])}"}
        self.mine = []

    @task(1)
    def start_query(self):
        case = random.choice(CONFIG["cases"])
        with self.client.post(
            "/api/v1/query-requests/",
            json={"case": case, "purpose": "负载测试：财产调查"},
            headers=self.headers,
            name="start query",
            catch_response=True,
        ) as r:
            if r.status_code in (200, 201):
                self.mine.append(r.json()["id"])
                r.success()
            elif r.status_code == 429:
                r.success()  # the per-key throttle doing its job
            else:
                r.failure(f"{r.status_code} {r.text[:120]}")

    @task(3)
    def read_query(self):
        if self.mine:
            self.client.get(
                f"/api/v1/query-requests/{random.choice(self.mine)}/", headers=self.headers, name="read query"
            )
