"""Settings, split by concern (CourtListener style): base Django, then Celery."""

from .base import *  # noqa: F401,F403
from .celery import *  # noqa: F401,F403
