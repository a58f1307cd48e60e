# approvision. `make run` serves the demo; `make test` runs the whole suite. Both set up what is missing.
.PHONY: run test bench drills backup restore setup otp lint format lock

run:
	@scripts/run.sh

test:
	@scripts/test.sh

# Latency, throughput and query counts of the key pages: var/bench/results.{json,md}.
bench:
	@scripts/bench.sh

# Fault drills: a worker killed mid-report, PostgreSQL restarted under load, Redis stopped, and a
# backup restored and compared table by table: var/drills/results.md.
drills:
	@scripts/drills.sh

# A pg_dump of the database with a manifest of every table's rows and checksum (var/backups/).
backup:
	@scripts/backup.sh

# Restore the newest backup (or BACKUP=...) into TARGET (default approvision_restored), compared.
restore:
	@scripts/restore.sh "$(BACKUP)" "$(or $(TARGET),approvision_restored)"

setup:
	@scripts/setup.sh --test

# The current sign-in code of a demo account: make otp user=officer
otp:
	@test -n "$(user)" || { echo "Say which demo account: make otp user=officer"; exit 2; }
	@.venv/bin/python manage.py demo_otp "$(user)"

# ruff, bandit and the project's semgrep rules (.semgrep/): no finding.
lint:
	@scripts/setup.sh --test >/dev/null
	@scripts/lint.sh

format:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

# Re-pin the Python dependencies (with hashes) after editing requirements*.in.
lock:
	.venv/bin/pip install -q pip-tools
	.venv/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	.venv/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in
	.venv/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-lint.txt requirements-lint.in
