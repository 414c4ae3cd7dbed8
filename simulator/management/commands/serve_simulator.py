"""Serve the simulated banks and registries over HTTP, for QUERYCONTROL_CONNECTOR=http."""

from django.core.management.base import BaseCommand

from simulator.http import make_server


class Command(BaseCommand):
    help = "以HTTP方式提供协助单位模拟器 / Serve the institution simulator over HTTP (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args, host, port, **options):
        server = make_server(host, port)
        self.stdout.write(f"simulator listening on http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
