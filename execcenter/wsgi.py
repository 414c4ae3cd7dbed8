import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "execcenter.settings")
django_application = get_wsgi_application()

# The big screen's unchanged poll (a thousand a second) is answered in front of Django's middleware (issue 17).
from dashboards.fastpoll import ScreenPollFastPath  # noqa: E402  (after the app registry is ready)

application = ScreenPollFastPath(django_application)
