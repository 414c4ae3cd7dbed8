"""The Celery app. Each app's tasks.py is auto-discovered; beat entries are added in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "execcenter.settings")

app = Celery("execcenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
