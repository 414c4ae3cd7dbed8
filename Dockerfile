# One image for every role of the production profile (web, worker, beat, migrate): see
# docker-compose.yml and docs/deployment.md. The command decides the role; gunicorn is the default.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=execcenter.settings \
    EXECCENTER_VAR_DIR=/var/lib/execcenter

WORKDIR /app

# Wheels only (psycopg2-binary, no compiler needed); requirements first so code edits reuse this layer.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# gettext only for compilemessages, removed in the same layer. Static files are collected at build time
# with a throwaway key: settings refuse DJANGO_DEBUG=False without SECRET_KEY/ALLOWED_HOSTS, and the real
# ones must never be baked into an image. The manifest (hashed names, gzip/brotli) is what WhiteNoise serves.
RUN set -eux; \
    if [ -d locale ]; then \
        apt-get update; apt-get install -y --no-install-recommends gettext; \
        python manage.py compilemessages; \
        apt-get purge -y --auto-remove gettext; rm -rf /var/lib/apt/lists/*; \
    fi; \
    DJANGO_DEBUG=False SECRET_KEY=collectstatic-build-only ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput

# Non-root: the app writes only under EXECCENTER_VAR_DIR (media, beat schedule); code and static are read-only.
RUN set -eux; \
    groupadd --system --gid 10001 execcenter; \
    useradd --system --uid 10001 --gid execcenter --home-dir /app --shell /usr/sbin/nologin execcenter; \
    mkdir -p /var/lib/execcenter/media; \
    chown -R execcenter:execcenter /var/lib/execcenter
USER execcenter

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "scripts/docker_healthcheck.py", "web"]

# Workers: 2 × cores + 1 is gunicorn's rule of thumb; override with GUNICORN_CMD_ARGS="--workers 9".
# --max-requests recycles a worker now and then so a slow leak cannot grow for weeks on a 24/7 screen: every few
# minutes with a wall of 1,000 screens polling each second, not every few seconds, which would throw away each
# worker's remembered ETags and screen grants (dashboards/api/snapshot.py, dashboards/screen_access.py) as often.
CMD ["gunicorn", "execcenter.wsgi:application", \
     "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "2", \
     "--max-requests", "200000", "--max-requests-jitter", "20000", \
     "--timeout", "60", "--graceful-timeout", "30", \
     "--access-logfile", "-", "--error-logfile", "-"]
