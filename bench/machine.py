"""The machine line every benchmark prints beside its figures."""

import os
import platform


def describe():
    cpu = platform.processor() or "?"
    ram = "?"
    try:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), cpu
        )
        ram = f"{next(int(line.split()[1]) for line in open('/proc/meminfo') if line.startswith('MemTotal')) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return f"{cpu} · {os.cpu_count()} cores · {ram} RAM · Python {platform.python_version()}"
