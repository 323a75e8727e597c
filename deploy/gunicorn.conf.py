"""gunicorn's settings for the tracker: `gunicorn -c deploy/gunicorn.conf.py plenum.wsgi`.

The app keeps no state in its processes (sessions and locks in PostgreSQL, files in MEDIA_ROOT),
so any number of workers and of app servers can serve the same users."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, one request at a time each, behind nginx, which buffers slow clients and uploads.
# An idle worker takes the next request, and no two requests of one process take turns at
# Python's lock. With 2 threads per worker (gthread), a worker's kept-alive connections waited
# for its own threads while other workers idled: under bench/load.sh every page's p95 was higher.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60  # the PDF briefing is the slowest page (a few seconds)
graceful_timeout = 30
# Recycle workers now and then, so that no slow leak outlives a day.
max_requests = 5000
max_requests_jitter = 500
# Only the reverse proxy on this machine may set X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# With LOG_FORMAT=json (the systemd unit) the app logs each request as a JSON line of its own
# (targets.middleware.RequestLogMiddleware), with the request's id and user: gunicorn's text line
# would only repeat it in another format.
accesslog = None if os.environ.get("LOG_FORMAT", "text").strip().lower() == "json" else "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
