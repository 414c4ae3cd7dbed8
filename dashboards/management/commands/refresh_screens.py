"""manage.py refresh_screens — the big screens' refresher loop (dashboards/refresher.py, issue 17).

Runs until SIGTERM/SIGINT. One per deployment is enough; a second one is harmless (the refresh lock serialises
them) but only doubles the work.
"""

import signal
import threading

from django.core.management.base import BaseCommand

from dashboards import refresher


class Command(BaseCommand):
    help = "Refresh the big screens' snapshots as changes commit (dirty marks), and each module on its interval."

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, help="seconds between idle rounds (SCREEN_REFRESH_TICK_SECONDS)")
        parser.add_argument("--rounds", type=int, help="stop after this many rounds (tests, benchmarks)")

    def handle(self, *args, tick=None, rounds=None, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        refresher.run(stop=stop, tick=tick, rounds=rounds)
