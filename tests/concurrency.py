"""Run the same call in several threads at the same instant, for the tests of row locks on PostgreSQL."""

import threading

from django.db import connections


def run_together(n, call):
    """Start `call()` in `n` threads released together by a barrier; returns what each returned or raised, in no
    particular order. Each thread closes its own database connections (Django opens one per thread)."""
    barrier, outcomes = threading.Barrier(n), []

    def run():
        try:
            barrier.wait()
            outcomes.append(call())
        except Exception as exc:  # noqa: BLE001 - the caller asserts on what was raised
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes
