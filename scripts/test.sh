#!/usr/bin/env bash
# `make test`: its own PostgreSQL and Redis (ports and data apart from `make run`'s), then the whole
# suite, browser tests included. Arguments go to pytest.
#   scripts/test.sh --date 2027-08-31 [pytest arguments]: run as if today were that day (a
#   Saturday, 31 August, a day in the Christmas holiday...): the result must be the same.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--date" ]; then
  date -d "${2:?--date needs a day, like 2027-08-31}" +%F >/dev/null
  export APPROVISION_TEST_DATE="$2"
  shift 2
  echo "Running the suite as if today were $(date -d "$APPROVISION_TEST_DATE" '+%A %-d %B %Y')"
fi

scripts/setup.sh --test
eval "$(scripts/services.sh start test)"
export DATABASE_URL REDIS_URL APPROVISION_STARTED
export DJANGO_SETTINGS_MODULE=approvision.settings.test
export APPROVISION_VAR_DIR="$PWD/var/test"
# pytest-django's live_server runs Django in a thread beside Playwright's event loop.
export DJANGO_ALLOW_ASYNC_UNSAFE=true

status=0
scripts/lint.sh || status=$?
# The whole suite runs on two processes (pytest-xdist; each its own test database): about 11.5
# minutes on 2 cores. APPROVISION_TEST_WORKERS=0 runs it in one.
workers=()
[ $# = 0 ] && workers=(-n "${APPROVISION_TEST_WORKERS:-2}")
[ $status = 0 ] && { .venv/bin/pytest "${workers[@]}" "$@" || status=$?; }
scripts/services.sh stop test
# The whole suite (no arguments) is followed by the quick fault drills (about 90 s): PostgreSQL
# restarted under load, Redis stopped, a backup restored and compared; the worker drill is in it.
if [ $status = 0 ] && [ $# = 0 ]; then
  env -u DATABASE_URL -u REDIS_URL -u APPROVISION_STARTED -u APPROVISION_VAR_DIR \
    -u APPROVISION_CLAMD_HOST -u APPROVISION_CLAMD_PORT -u NOTIFY_BASE_URL -u NOTIFY_API_KEY \
    -u DFE_SIGNIN_ISSUER -u DFE_SIGNIN_CLIENT_ID -u DFE_SIGNIN_CLIENT_SECRET -u DFE_SIGNIN_API_URL \
    -u DFE_SIGNIN_API_SECRET -u DFE_SIGNIN_SERVICE_ID -u COUNCIL_OIDC_929_ISSUER \
    -u COUNCIL_OIDC_929_CLIENT_ID -u COUNCIL_OIDC_929_CLIENT_SECRET -u COUNCIL_OIDC_929_GRAPH_URL \
    -u APPROVISION_S3_LOCAL_ENDPOINT -u APPROVISION_S3_LOCAL_KEY -u APPROVISION_S3_LOCAL_SECRET \
    -u DJANGO_SETTINGS_MODULE scripts/drills.sh --after-suite || status=$?
fi
exit $status
