# The two commands of the README:
#   make run   — the product on its embedded default (SQLite + file cache + filesystem broker), or on
#                PostgreSQL + Redis when DATABASE_URL / REDIS_URL are set; web + worker + beat, Ctrl-C stops all.
#   make test  — the whole pytest suite (against whatever DATABASE_URL / REDIS_URL say; embedded by default).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CASES  ?= 20000
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint install migrate seed browser-deps bench-deps messages bench faults load replica hosts

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --cases $(CASES)

# run_all.py seeds the demo province in the embedded/dev profile only; with DJANGO_DEBUG=False it makes no demo
# login or key and collects the static files instead.
run: migrate
	$(BIN)/python scripts/run_all.py --host $(HOST) --port $(PORT) --cases $(CASES)

browser-deps:
	bash scripts/install-browser-deps.sh

test: install browser-deps
	$(BIN)/python -m pytest

# The linter and the formatter CI runs (configuration in ruff.toml): `ruff format .` before committing.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Regenerate the English catalogue after adding strings (msgids are Chinese; needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages -l en

# The polling benchmark's load generator (Debian's wrk: a C client leaves the two cores to the server).
bench-deps:
	bash scripts/apt-install.sh wrk

# Every benchmark of docs/design.md §5 (bench/run_all.py: drops and rebuilds the ec_million database).
# `make bench SCALE=10m`: the large province (10,000,000 cases, 197 courts, ten years) in ec_10m (dropped and rebuilt):
# seed, case list and full refresh with peak RSS, beside their baselines (bench/README.md "At 10,000,000 cases").
SCALE ?= 1m
bench: install bench-deps
	$(BIN)/python bench/run_all.py --scale $(SCALE)

# Scripted fault runs (issue 16, faults/run.py): PostgreSQL database ec_faults (dropped and rebuilt), a Redis of its
# own on a free port, real Celery workers and beat; prints expected vs present, duplicates and time to settle per
# scenario. A few minutes on 2 cores. FAULTS_ARGS="--scenarios kill-fanout,web-kill --institutions 60" for a subset.
FAULTS_ARGS ?=
faults: install
	$(BIN)/python faults/run.py $(FAULTS_ARGS)

# Mixed load (issue 16, load/run.py, locust): 200 screens, 50 judges, 5 approvers, 10 partner systems for 10 minutes on
# loopback against gunicorn + PostgreSQL (ec_faults_load) + its own Redis + workers; per-request p50/p95/p99, errors,
# connections, invariants. LOAD_ARGS="--seconds 60 --screens 50 --judges 10" for a short run on a shared machine;
# LOAD_ARGS=--replica against a primary + streaming replica of the run's own (the screens' refresh reads the replica).
LOAD_ARGS ?=
load: install
	$(BIN)/python load/run.py $(LOAD_ARGS)

# A PostgreSQL primary + streaming read replica (pg_basebackup) on this machine, ports 55432/55433 (issue 16,
# scripts/replica.py); prints the DATABASE_URL / DATABASE_REPLICA_URL to export. `... replica.py down --remove` ends it.
REPLICA_ARGS ?=
replica: install
	$(BIN)/python scripts/replica.py up $(REPLICA_ARGS)

# Workers on two "hosts" (issue 16, faults/hosts.py): two network namespaces with veth links against a PostgreSQL and
# a Redis of the run's own, a fan-out across both, one host killed mid-run; exactly-once invariants. Needs root.
HOSTS_ARGS ?=
hosts: install
	$(BIN)/python faults/hosts.py $(HOSTS_ARGS)
