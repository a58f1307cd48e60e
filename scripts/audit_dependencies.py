"""Security bar G27, run by `make lint` (and so by `make test`):

1. every requirement in requirements*.txt is pinned (==) with at least one hash;
2. Django is on the newest patch of its release series that the package index offers;
3. pip-audit --strict over the pinned requirements. Where no vulnerability database can be
   reached (this machine has no route to PyPI's JSON API or OSV), every package comes back
   "not audited": that is said plainly, and is not counted as a pass or a failure.

Exit status 1 if 1 or 2 fails, or if pip-audit reached a database and found a vulnerability or
could not audit some packages.
"""

import json
import re
import subprocess  # nosec B404 - fixed commands, no shell
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ["requirements.txt", "requirements-dev.txt", "requirements-lint.txt"]
VENV = ROOT / ".venv" / "bin"


def requirements(path: Path) -> list[tuple[str, str, bool]]:
    """(name, pinned version or "", has a hash) for each requirement of a pip-compile file."""
    found = []
    for block in re.split(r"\n(?=\S)", path.read_text()):
        line = block.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"([A-Za-z0-9_.\-]+)==([^\s\\;]+)", line)
        name = re.match(r"[A-Za-z0-9_.\-]+", line).group(0)
        found.append((name, match.group(2) if match else "", "--hash=sha256:" in block))
    return found


def main() -> int:
    failures = []
    pinned = {}
    for name in FILES:
        for package, version, hashed in requirements(ROOT / name):
            if not version or not hashed:
                failures.append(f"{name}: {package} is not pinned with a hash")
            pinned.setdefault(package.lower(), version)
    print(f"Pinned with hashes: {len(pinned)} packages in {', '.join(FILES)}")

    django = pinned["django"]
    series = ".".join(django.split(".")[:2])
    listing = subprocess.run(  # nosec B603 - fixed command
        [VENV / "pip", "index", "versions", "django", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    available = re.search(r"Available versions: (.*)", listing)
    if available is None:
        failures.append("The package index could not be asked for Django's versions")
    else:
        same_series = [
            v.strip()
            for v in available.group(1).split(",")
            if v.strip() == series or v.strip().startswith(series + ".")
        ]
        newest = max(same_series, key=lambda v: [int(p) for p in v.split(".")])
        if newest != django:
            failures.append(f"Django {django} is pinned; {newest} is out: run make lock")
        else:
            print(f"Django {django} is the newest {series} patch the index offers")

    # One run a file: the lint environment pins some packages differently from the app's.
    dependencies = []
    for name in FILES:
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            subprocess.run(  # nosec B603 - fixed command
                [
                    VENV / "pip-audit",
                    "--no-deps",
                    "--disable-pip",
                    "--progress-spinner",
                    "off",
                    "-r",
                    ROOT / name,
                    "-f",
                    "json",
                    "-o",
                    report.name,
                ],
                capture_output=True,
                check=False,
                timeout=600,
            )
            written = Path(report.name).read_text()
        if not written:
            failures.append(f"pip-audit did not run over {name}")
            continue
        dependencies += json.loads(written)["dependencies"]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    if dependencies and len(skipped) == len(dependencies):
        print(
            f"pip-audit: no vulnerability database reachable from here; "
            f"{len(skipped)} packages not audited (run `make lint` where PyPI is reachable)"
        )
    else:
        for dependency in vulnerable:
            ids = ", ".join(v["id"] for v in dependency["vulns"])
            failures.append(f"{dependency['name']} {dependency['version']}: {ids}")
        for dependency in skipped:
            failures.append(f"pip-audit could not audit {dependency['name']}")
        print(
            f"pip-audit: {len(dependencies) - len(skipped)} audited, {len(vulnerable)} vulnerable"
        )

    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
