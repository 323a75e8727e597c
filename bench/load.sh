#!/usr/bin/env bash
# The load benchmark: gunicorn (deploy/gunicorn.conf.py), the task worker and PostgreSQL with
# the Sichuan-scale data (bench/README.md), 50 locust users for 5 minutes: county reporters saving
# and submitting notes, provincial reviewers reading dashboards and the briefing page. Prints
# p50/p95/p99 per page, throughput, each page's median against the minimal view's, and whether
# the notes saved equal the saves answered as successful.
#   FAULT=postgres  restarts PostgreSQL 90 s into the run
#   FAULT=worker    kills a gunicorn worker (SIGKILL) 90 s into the run
#   STEADY=1        counts only from the moment all users have signed in
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/plenum_bench}
export SECRET_KEY=${SECRET_KEY:-bench-only-key-0123456789-abcdefghijklmnopqrstuvwxyz}
export AUDIT_KEY=${AUDIT_KEY:-bench-only-audit-key-0123456789-abcdefghijklmnop}
export HTTPS=false ALLOWED_HOSTS=127.0.0.1
USERS=${USERS:-50}
# STEADY: the figures restart once every user has signed in (50 password hashes at once).
export LOAD_USERS=$USERS LOAD_STEADY=${STEADY:-}
DURATION=${DURATION:-5m}
PORT=${PORT:-8100}
OUT=${OUT:-/tmp/tracker-load}
mkdir -p "$OUT"
export LOAD_MEDIANS="$OUT/medians.tsv"
rm -f "$LOAD_MEDIANS"

.venv/bin/python manage.py collectstatic --no-input -v 0
.venv/bin/python bench/load_setup.py
GUNICORN_BIND=127.0.0.1:$PORT .venv/bin/gunicorn -c deploy/gunicorn.conf.py plenum.wsgi \
    >"$OUT/gunicorn.log" 2>&1 &
gunicorn=$!
# The task worker beside the app servers, as deployed (reminders' emails, PDFs, exports).
.venv/bin/python manage.py run_worker --no-reload >"$OUT/worker.log" 2>&1 &
worker=$!
trap 'kill "$gunicorn" "$worker" 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.5; done

fault=""
case "${FAULT:-}" in
    postgres) (sleep 90 && echo "fault: restarting PostgreSQL" && pg_ctlcluster 15 main restart) &
        fault=$! ;;
    worker) (sleep 90 && echo "fault: killing a worker" && kill -9 "$(pgrep -P "$gunicorn" | head -n 1)") &
        fault=$! ;;
    "") ;;
    *) echo "FAULT is postgres or worker" >&2; exit 2 ;;
esac

.venv/bin/locust -f bench/locustfile.py --headless --users "$USERS" --spawn-rate 5 \
    --run-time "$DURATION" --stop-timeout 20 --host "http://127.0.0.1:$PORT" --csv "$OUT/run" \
    --only-summary \
    >"$OUT/locust.log" 2>&1 || true
[[ -z $fault ]] || wait "$fault"
.venv/bin/python bench/load_report.py "$OUT/run_stats.csv" "$OUT/gunicorn.log" "$LOAD_MEDIANS"
