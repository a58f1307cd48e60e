#!/usr/bin/env bash
# `make lint`, and the first step of `make test`: ruff (style and its security rules), bandit (no
# unsuppressed medium or high finding) and the project's own semgrep rules in .semgrep/ (no
# finding): security bar G26, each suppression saying why on its line. Then the dependencies
# (G27): pinned with hashes, Django's newest patch, pip-audit where a database is reachable.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
.venv/bin/ruff check --quiet . || status=1
.venv/bin/ruff format --check --quiet . || status=1
.venv/bin/bandit --quiet --configfile pyproject.toml --recursive . --severity-level medium \
  --format custom --msg-template "{relpath}:{line} bandit {test_id} {msg}" || status=1
.venv-lint/bin/semgrep scan --config .semgrep/ --metrics=off --disable-version-check --quiet \
  --error --text . || status=1
.venv/bin/python scripts/audit_dependencies.py || status=1
exit $status
