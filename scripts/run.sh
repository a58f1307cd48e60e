#!/usr/bin/env bash
# `make run`: set up, start PostgreSQL and Redis, migrate, load the demo LA, then serve with gunicorn,
# a Celery worker and Celery beat. Ctrl-C stops everything this started.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${PORT:-8000}
if ! python3 -c "import socket, sys; s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1])))" "$port" 2>/dev/null; then
  echo "Port $port is in use: is approvision already running? Stop it, or choose another port: PORT=8001 make run" >&2
  exit 1
fi

scripts/setup.sh
eval "$(scripts/services.sh start run)"
export DATABASE_URL REDIS_URL APPROVISION_STARTED
export DJANGO_SETTINGS_MODULE=approvision.settings.dev
py=.venv/bin/python

children=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "Stopping approvision..."
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/services.sh stop run
  echo "Stopped."
}
trap cleanup INT TERM EXIT

$py manage.py migrate --noinput
$py manage.py load_demo --quiet-accounts

.venv/bin/gunicorn approvision.wsgi:application --bind "127.0.0.1:$port" --workers 3 \
  --access-logfile - --log-level warning &
children+=($!)
# Celery logs to files, so the terminal keeps the URL, the accounts and gunicorn's requests. One
# worker takes every queue here (reports, notifications, housekeeping); several hosts start a
# worker a queue with -Q.
.venv/bin/celery -A approvision worker --loglevel=info --concurrency=2 \
  --logfile=var/run/celery-worker.log >/dev/null 2>&1 &
children+=($!)
.venv/bin/celery -A approvision beat --loglevel=info --schedule=var/run/celerybeat-schedule \
  --logfile=var/run/celery-beat.log >/dev/null 2>&1 &
children+=($!)

$py manage.py show_demo_accounts --url "http://127.0.0.1:$port"

# Stop everything as soon as any one of the three stops.
wait -n
