#!/usr/bin/env bash
# Installs whatever the project needs and is missing; quick when everything is already there.
#   scripts/setup.sh          what `make run` needs
#   scripts/setup.sh --test   and what `make test` needs (Chromium, poppler, semgrep)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

packages=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || packages+=(postgresql)
command -v redis-server >/dev/null || packages+=(redis-server)
[ -x /usr/sbin/clamd ] || packages+=(clamav-daemon)
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
[ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || packages+=(fonts-liberation)
if [ "$want_test" = 1 ]; then
  command -v chromium >/dev/null || packages+=(chromium)
  command -v pdftotext >/dev/null || packages+=(poppler-utils)
fi

if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing from the OS packages: ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    echo "approvision needs these OS packages, which are missing: ${packages[*]}" >&2
    echo "Install them (for example: sudo apt-get install ${packages[*]}) and run this again." >&2
    exit 1
  fi
fi

python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "approvision needs Python 3.11 or newer; $python is $("$python" --version)." >&2
  exit 1
}

# Python dependencies, pinned with hashes; reinstalled only when the lock files change.
stamp=".venv/.installed-$(cat requirements-pip.txt requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  echo "Installing Python dependencies into .venv"
  .venv/bin/pip install -q --disable-pip-version-check --require-hashes -r requirements-pip.txt
  .venv/bin/pip install -q --disable-pip-version-check --require-hashes \
    -r requirements.txt -r requirements-dev.txt
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# semgrep, for the project's own rules (security bar G26), in an environment of its own: its
# dependencies clash with the app's.
lint_stamp=".venv-lint/.installed-$(cat requirements-pip.txt requirements-lint.txt | sha256sum | cut -c1-16)"
if [ "$want_test" = 1 ] && [ ! -f "$lint_stamp" ]; then
  [ -x .venv-lint/bin/python ] || "$python" -m venv .venv-lint
  echo "Installing semgrep into .venv-lint"
  .venv-lint/bin/pip install -q --disable-pip-version-check --require-hashes -r requirements-pip.txt
  .venv-lint/bin/pip install -q --disable-pip-version-check --require-hashes -r requirements-lint.txt
  rm -f .venv-lint/.installed-*
  touch "$lint_stamp"
fi

# Front end: GOV.UK Frontend compiled with Sass, htmx; rebuilt when its inputs change.
npm_stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$npm_stamp" ]; then
  echo "Installing front-end packages"
  npm ci --no-audit --no-fund --loglevel=error
  rm -f node_modules/.installed-*
  touch "$npm_stamp"
fi
if [ ! -f static/dist/app.css ] || [ -n "$(find static/scss static/js scripts/build-frontend.mjs package-lock.json -newer static/dist/app.css 2>/dev/null | head -1)" ]; then
  node scripts/build-frontend.mjs
fi
