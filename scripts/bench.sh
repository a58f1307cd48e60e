#!/usr/bin/env bash
# `make bench`: gunicorn with the production settings on loopback, against its own database with
# the demo LA, measured by bench/run.py. Arguments go to bench/run.py (--seconds, --users).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
eval "$(scripts/services.sh start bench)"
export DATABASE_URL REDIS_URL APPROVISION_STARTED
export DJANGO_SETTINGS_MODULE=approvision.settings.production
export DJANGO_SECRET_KEY="bench-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
# The bench signs every simulated user in as the same few accounts: lift the per-user API limit.
export APPROVISION_API_RATE=1000000
export APPROVISION_VAR_DIR="$PWD/var/bench"
export DJANGO_STATIC_ROOT="$PWD/var/bench/static"
port=${BENCH_PORT:-8765}
py=.venv/bin/python

gunicorn_pid=""
cleanup() {
  [ -n "$gunicorn_pid" ] && kill "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null || true
  scripts/services.sh stop bench
}
trap cleanup EXIT

$py manage.py collectstatic --noinput -v0
$py manage.py migrate --noinput -v0
$py manage.py load_demo --quiet-accounts
# The largest English LA's size, for the report timings (kept between runs: made once).
$py manage.py generate_la --pupils "${BENCH_PUPILS:-200000}" --schools 600 --years 5 --seed 1
# A regional deployment: BENCH_REGION=9 adds nine more LAs of 100,000 pupils and 300 schools
# (codes 991 to 999) to the same database, made once; the pages are still measured on LA 990.
for n in $(seq 1 "${BENCH_REGION:-0}"); do
  $py manage.py generate_la --pupils 100000 --schools 300 --years 5 --seed $((n + 1)) \
    --code $((990 + n))
done

# `scripts/bench.sh --jobs-only` times the long work alone (bench/jobs.py): the 200,000-pupil
# import and the nightly jobs (BENCH_IMPORT_ROWS=5000 for a shorter import).
case " $* " in *" --jobs-only "*) $py bench/jobs.py; exit 0 ;; esac

.venv/bin/gunicorn approvision.wsgi:application --bind "127.0.0.1:$port" --workers 4 \
  --log-level warning &
gunicorn_pid=$!
for _ in $(seq 50); do
  curl -sf -o /dev/null -H "X-Forwarded-Proto: https" -H "Host: 127.0.0.1" \
    "http://127.0.0.1:$port/healthz" && break
  sleep 0.2
done

$py bench/run.py --port "$port" "$@"
# `scripts/bench.sh --reports-only` times the reports alone, without the backup and restore;
# `--pages "Referrals,API: exclusions"` only those pages (var/bench/results-pages.md).
case " $* " in *" --reports-only "* | *" --pages "*) exit 0 ;; esac
$py bench/jobs.py

# The restore time (RTO) at this size: back the bench database up, restore it beside itself,
# compare every table, and add the times to the results.
started=$(date +%s)
backup=$(scripts/backup.sh bench | tail -1)
took=$(( $(date +%s) - started ))
dump=$(echo "$backup" | sed -E 's/^Backed up to ([^ ]+\.dump).*/\1/')
restore=$(scripts/restore.sh "$dump" approvision_restored bench | tail -1)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
"$pg_bin/psql" -q "${DATABASE_URL%/*}/postgres" -c "DROP DATABASE IF EXISTS approvision_restored"
rm -f "$dump" "${dump%.dump}".*.json
size=$(echo "$backup" | sed -E 's/.*\(([^)]+)\).*/\1/')
{
  echo
  echo "Backup and restore of this database (\`make backup\`, \`make restore\`): a $size dump" \
    "in ${took} s; restored beside it, ${restore#Restored * into approvision_restored: } (the RTO)."
} | tee -a var/bench/results.md
