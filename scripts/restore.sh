#!/usr/bin/env bash
# `make restore [BACKUP=var/backups/approvision-....dump] [TARGET=approvision_restored]`:
# restore a backup into a new, empty database beside the live one, then compare every table's
# row count and checksum with the backup's manifest. Prints the time it took (the RTO).
#   scripts/restore.sh DUMP TARGET_DB [PROFILE]
set -euo pipefail
cd "$(dirname "$0")/.."
dump=${1:-$(ls -t var/backups/*.dump 2>/dev/null | head -1)}
target=${2:-approvision_restored}
profile=${3:-run}
[ -n "$dump" ] && [ -f "$dump" ] || { echo "No backup found: run make backup first" >&2; exit 2; }
eval "$(scripts/services.sh start "$profile")"
export DATABASE_URL REDIS_URL APPROVISION_STARTED
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
server=${DATABASE_URL%/*}
started=$(date +%s%N)
PGOPTIONS="--client-min-messages=warning" "$pg_bin/psql" -q "$server/postgres" -c "DROP DATABASE IF EXISTS \"$target\" WITH (FORCE)"
"$pg_bin/psql" -q "$server/postgres" -c "CREATE DATABASE \"$target\""
"$pg_bin/pg_restore" --no-owner --exit-on-error --dbname="$server/$target" "$dump"
.venv/bin/python scripts/db_manifest.py "$server/$target" > "${dump%.dump}.restored.json"
finished=$(date +%s%N)
scripts/services.sh stop "$profile"
if cmp -s "${dump%.dump}.manifest.json" "${dump%.dump}.restored.json"; then
  tables=$(grep -c '"rows"' "${dump%.dump}.manifest.json")
  printf 'Restored %s into %s: all %s tables match in rows and checksums; took %.1f s\n' \
    "$dump" "$target" "$tables" "$(( (finished - started) / 1000000 ))e-3"
else
  echo "Restore does NOT match the backup's manifest:" >&2
  diff "${dump%.dump}.manifest.json" "${dump%.dump}.restored.json" >&2 || true
  exit 1
fi
