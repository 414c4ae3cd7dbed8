"""One benchmark table (issue 16): every bench script records its figures here, `make bench` prints them as one
table — figure, value, baseline, ratio, target, machine, data size — and writes bench/results/latest.json.

A script records with `record(...)`; the records go to the JSON-lines file named by BENCH_RESULTS_FILE (set by
bench/run_all.py), so each script stays runnable on its own (without the variable, `record` only returns the row).

`better` says which way is good: "lower" for times (ratio = baseline / value), "higher" for rates
(ratio = value / baseline). The ratio is how many times better than the naive baseline the figure is.
"""

import json
import os
from pathlib import Path

from bench.machine import describe

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def record(figure, value, unit, *, baseline=None, target="", better="lower", data_size="", note=""):
    ratio = None
    if baseline is not None and value:
        ratio = (baseline / value) if better == "lower" else (value / baseline if baseline else None)
    row = {
        "figure": figure,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "ratio": ratio,
        "target": target,
        "better": better,
        "data_size": data_size,
        "note": note,
        "machine": describe(),
    }
    path = os.environ.get("BENCH_RESULTS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return row


def load(path):
    rows = []
    if Path(path).exists():
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def _num(v, unit=""):
    if v is None:
        return "—"
    text = f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"
    return f"{text} {unit}".strip()


def table(rows):
    """A Markdown table of the rows (the machine goes under it when every row shares one)."""
    machines = {r["machine"] for r in rows}
    head = ["figure", "value", "baseline", "ratio", "target", "data size"] + (["machine"] if len(machines) > 1 else [])
    lines = []
    for r in rows:
        cells = [
            r["figure"],
            _num(r["value"], r["unit"]),
            _num(r["baseline"], r["unit"]),
            "—" if r["ratio"] is None else f"{r['ratio']:,.1f}×",
            r["target"] or "—",
            r["data_size"] or "—",
        ]
        if len(machines) > 1:
            cells.append(r["machine"])
        lines.append(cells)
    out = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" if i == 0 else "---:" if i < 4 else "---" for i in range(len(head))) + "|",
    ]
    out += ["| " + " | ".join(c) + " |" for c in lines]
    if len(machines) == 1:
        out.append(f"\nmachine: {machines.pop()}")
    return "\n".join(out)


def write_latest(rows, meta):
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / "latest.json"
    path.write_text(json.dumps({**meta, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
