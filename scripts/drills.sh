#!/usr/bin/env bash
# `make drills`: the faults approvision must survive (security bar G17-G20), each run for real
# against its own PostgreSQL and Redis (var/drill) and gunicorn with the production settings:
#   PostgreSQL restarted under load, Redis stopped, a backup restored and compared (drills.py);
#   a Celery worker killed mid-report (tests/reports/test_worker_killed.py, also in make test).
# What each showed: var/drills/results.md. `scripts/drills.sh --after-suite` (run by make test
# after the suite, which holds the worker drill) leaves the worker drill out.
set -euo pipefail
cd "$(dirname "$0")/.."
after_suite=""
[ "${1:-}" = "--after-suite" ] && after_suite=1

scripts/setup.sh
eval "$(scripts/services.sh start drill)"
export DATABASE_URL REDIS_URL APPROVISION_STARTED
export DJANGO_SETTINGS_MODULE=approvision.settings.production
export DJANGO_SECRET_KEY="drill-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export APPROVISION_VAR_DIR="$PWD/var/drill"
export DJANGO_STATIC_ROOT="$PWD/var/drill/static"
# A report whose worker or broker went away is picked up again after this long.
export APPROVISION_REPORT_STALE_SECONDS=2
py=.venv/bin/python

status=0
$py manage.py collectstatic --noinput -v0
$py manage.py migrate --noinput -v0
$py manage.py load_demo --quiet-accounts --scale 0.05
$py scripts/drills.py --port "${DRILL_PORT:-8766}" || status=$?
scripts/services.sh stop drill

# The worker drill uses the test suite's services (a real worker on the test database).
[ -n "$after_suite" ] && exit $status
env -u DATABASE_URL -u REDIS_URL -u APPROVISION_STARTED -u DJANGO_STATIC_ROOT \
  -u APPROVISION_REPORT_STALE_SECONDS -u DJANGO_SECRET_KEY -u DJANGO_ALLOWED_HOSTS \
  scripts/test.sh tests/reports/test_worker_killed.py -q -p no:randomly || status=$?
exit $status
