"""Celery settings (read by execcenter/celery.py with namespace CELERY)."""

from celery.schedules import crontab
from kombu import Queue

from .base import REDIS_URL, VAR_DIR, env

if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    # Must exceed the longest countdown/ETA we ever schedule (retry backoff caps at 60 s, querycontrol.tasks.RETRY),
    # or Redis redelivers a waiting message to a second worker and it runs twice (CourtListener's lesson).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
else:
    _broker_dir = VAR_DIR / "broker"
    for sub in ("out", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "data_folder_processed": str(_broker_dir / "processed"),
        "store_processed": False,
        # Fan-out exchanges (worker control, pidbox) would otherwise land in ./control of the working directory.
        "control_folder": str(_broker_dir / "control"),
    }

# The screen and the browser read job rows and snapshots, never the result backend.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_ENABLE_UTC = True
# Exactly-once money steps rely on redelivery after a crash, so ack only when a task finished.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

CELERY_TASK_DEFAULT_QUEUE = "default"
# query: partner I/O (banks and registries); default: domain work; screens: snapshot refresh.
CELERY_TASK_QUEUES = (Queue("default"), Queue("query"), Queue("screens"))
CELERY_TASK_ROUTES = {
    "querycontrol.tasks.*": {"queue": "query"},
    "dashboards.tasks.*": {"queue": "screens"},
}

CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "execcenter.tasks.heartbeat", "schedule": 15.0},
    # command: overdue assistance letters hourly, indicator warnings daily, 旬调度 on the 1st/11th/21st, 月通报 on the 1st.
    "command-overdue-letters": {"task": "command.tasks.overdue_letters", "schedule": crontab(minute=5)},
    "command-indicator-targets": {
        "task": "command.tasks.check_indicator_targets",
        "schedule": crontab(hour=6, minute=10),
    },
    "command-bulletins-ten-day": {
        "task": "command.tasks.scheduled_bulletins",
        "schedule": crontab(hour=7, minute=0, day_of_month="1,11,21"),
        "args": ("ten_day",),
    },
    "command-bulletins-monthly": {
        "task": "command.tasks.scheduled_bulletins",
        "schedule": crontab(hour=7, minute=30, day_of_month="1"),
        "args": ("monthly",),
    },
    # Deadlines, overdue payouts, long-pending ledger, credit-punishment removals (cases.supervision).
    "cases-scan": {"task": "cases.tasks.scan_cases", "schedule": 3600.0},
    # The screen's case tally: fold the rows the triggers wrote (cases.tally; PostgreSQL only, a no-op on SQLite).
    "cases-compact-tally": {"task": "cases.tasks.compact_case_tally", "schedule": 60.0, "options": {"expires": 60}},
}
# Big screens: snapshots every 10 s (modules may be slower), duty gaps and alert escalation every minute.
CELERY_BEAT_SCHEDULE["dashboards-refresh-snapshots"] = {
    "task": "dashboards.tasks.refresh_snapshots",
    "schedule": env.float("DASHBOARDS_REFRESH_SECONDS", default=10.0),
    "options": {"expires": 10},
}
CELERY_BEAT_SCHEDULE["dashboards-check-duty"] = {"task": "dashboards.tasks.check_duty_posts", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["dashboards-escalate-alerts"] = {"task": "dashboards.tasks.escalate_alerts", "schedule": 60.0}

# querycontrol: daily expiry watch (lapse + 30/15/7-day alerts); every minute, re-send work whose
# message was lost (a SIGKILLed worker's unacked message waits for the visibility timeout otherwise).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["querycontrol-watch-expiry"] = {
    "task": "querycontrol.tasks.watch_expiry",
    "schedule": crontab(hour=6, minute=5),
}
# 终本 re-queries (法〔2016〕373号 Art. 9): a bounded share of the due rounds every few minutes (querycontrol.services.requery).
CELERY_BEAT_SCHEDULE["querycontrol-start-due-requeries"] = {
    "task": "querycontrol.tasks.start_due_requeries",
    "schedule": 60.0 * env.int("QUERYCONTROL_REQUERY_EVERY_MINUTES", default=15),
}
# Recovery after a fault (issue 16: settled within 60 s): the sweep runs every QUERYCONTROL_SWEEP_SECONDS and
# re-sends a chunk or order untouched for QUERYCONTROL_CHUNK_STALE_SECONDS / QUERYCONTROL_ORDER_STALE_SECONDS
# (base settings); worst case after a crash ≈ stale + sweep + the work itself.
CELERY_BEAT_SCHEDULE["querycontrol-resume-stalled"] = {
    "task": "querycontrol.tasks.resume_stalled",
    "schedule": env.float("QUERYCONTROL_SWEEP_SECONDS", default=10.0),
    "options": {"expires": 30},
}
# Transactional outbox: messages written with a decision while the broker was down go out when it is back.
CELERY_BEAT_SCHEDULE["execcenter-relay-outbox"] = {
    "task": "execcenter.tasks.relay_outbox",
    "schedule": env.float("OUTBOX_RELAY_SECONDS", default=5.0),
    "options": {"expires": 30},
}

# Notifications: the outbox sweep (quiet hours ended, retries due, a dead worker's rows) every minute; early warnings
# per judge evaluated hourly (workbench.early_warnings).
CELERY_BEAT_SCHEDULE["execcenter-flush-notifications"] = {
    "task": "execcenter.tasks.flush_notifications",
    "schedule": 60.0,
    "options": {"expires": 60},
}
CELERY_BEAT_SCHEDULE["workbench-evaluate-warnings"] = {
    "task": "workbench.tasks.evaluate_warnings",
    "schedule": crontab(minute=20),
}
CELERY_BEAT_SCHEDULE["workbench-notify-approvals"] = {
    "task": "workbench.tasks.notify_approvals",
    "schedule": 300.0,
    "options": {"expires": 300},
}
# The Idempotency-Key table keeps each answer for IDEMPOTENCY_KEY_TTL_HOURS; older ones are pruned hourly.
CELERY_BEAT_SCHEDULE["execcenter-prune-idempotency-keys"] = {
    "task": "execcenter.tasks.prune_idempotency_keys",
    "schedule": crontab(minute=35),
    "options": {"expires": 3600},
}
