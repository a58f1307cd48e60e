#!/usr/bin/env bash
# `make backup`: a custom-format pg_dump of the database, and beside it a manifest of every
# table's row count and checksum, so a restore can be proved complete.
#   scripts/backup.sh [PROFILE]   (run by default) writes var/backups/approvision-YYYYmmdd-HHMMSS.*
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-run}
eval "$(scripts/services.sh start "$profile")"
export DATABASE_URL REDIS_URL APPROVISION_STARTED
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir -p var/backups
chmod 700 var/backups
name="var/backups/approvision-$(date -u +%Y%m%d-%H%M%S)"
# The dump and its manifest from one snapshot: they agree even while the service writes.
.venv/bin/python scripts/db_manifest.py "$DATABASE_URL" --dump "$name.dump" \
  --pg-dump "$pg_bin/pg_dump" > "$name.manifest.json"
chmod 600 "$name.dump" "$name.manifest.json"
scripts/services.sh stop "$profile"
echo "Backed up to $name.dump ($(du -h "$name.dump" | cut -f1)); manifest $name.manifest.json"
