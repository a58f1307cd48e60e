"""A scripted mutation run over the calendar and clock modules (issue 16): how strong are the
clock rules' tests?

Each mutant is one small change a person could make by mistake: a comparison flipped (< and <=,
> and >=, == and !=), a whole number off by one (up and down), `and` for `or` and back, a `not`
dropped, a condition dropped (an `if` or `elif` whose test becomes False or True), + for - and
back. The mutant replaces the module's source, the clock tests run (fastest first, stopping at
the first failure), and the original is put back. A mutant is killed when a test fails.

    .venv/bin/python scripts/mutate_clocks.py [--limit N] [--only clocks]

with the test settings and a test database running (as scripts/test.sh sets up; the note of
issue 16 shows the run). It takes about an hour on 2 cores.

It prints each survivor (line and change) and the score; it exits 1 under 90%.
"""

import argparse
import ast
import contextlib
import copy
import functools
import importlib
import importlib.util
import inspect
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import django
import hypothesis
import pytest

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "calendar": ROOT / "organisations" / "calendar.py",
    "clocks": ROOT / "cases" / "exclusions" / "clocks.py",
}
# The tests without a database: run first, in a forked copy of this process with the mutant's
# code swapped into the loaded modules (a second or two a mutant).
PURE_TESTS = [
    "tests/cases/test_clock_rules.py",
    "tests/organisations/test_calendar_rules.py",
    "tests/cases/test_clock_properties.py",
]
# Then, for a mutant the pure tests miss, everything that counts on the clocks, against the
# mutated file in a fresh interpreter (the pages and the API read some of its constants).
TESTS = [
    *PURE_TESTS,
    "tests/organisations/test_calendar.py",
    "tests/cases/test_statutory_clocks.py",
    "tests/cases/test_exclusions.py",
    "tests/cases/test_statutory_pages.py",
    "tests/api/test_exclusion_clocks_api.py",
    "tests/fair_access/test_cases.py",
]
# Only the plugins these tests use (loading every installed one costs seconds a mutant).
PLUGINS = ["-p", "pytest_django.plugin", "-p", "time_machine", "-p", "_hypothesis_pytestplugin"]
# Seconds the pure tests may take on one mutant (they take a few).
TIME_LIMIT = 60
FLIP = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}
# Functions whose words, not logic, are the point: not mutated.
SKIP_FUNCTIONS = {"long_date", "__str__", "rule"}


def _skipped(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name in SKIP_FUNCTIONS
        ):
            ids.update(id(n) for n in ast.walk(node))
        # Docstrings, rule texts and other strings are left alone by construction (no string
        # mutations); so are module-level assignments of dictionaries of words.
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            ids.update(id(n) for n in ast.walk(node))
    return ids


def mutation_points(tree: ast.AST):
    """(node index in ast.walk order, description, how to mutate a copy's node)."""
    skipped = _skipped(tree)
    points = []
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skipped:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for position, op in enumerate(node.ops):
                if type(op) in FLIP:
                    new = FLIP[type(op)]

                    def change(n, position=position, new=new):
                        n.ops[position] = new()

                    points.append(
                        (index, f"line {line}: {type(op).__name__} -> {new.__name__}", change)
                    )
        elif isinstance(node, ast.Constant) and type(node.value) is int and 0 <= node.value <= 100:
            for delta in (1, -1):

                def change(n, delta=delta):
                    n.value = n.value + delta

                points.append((index, f"line {line}: {node.value} -> {node.value + delta}", change))
        elif isinstance(node, ast.BoolOp):
            new = ast.Or if isinstance(node.op, ast.And) else ast.And

            def change(n, new=new):
                n.op = new()

            points.append(
                (index, f"line {line}: {type(node.op).__name__} -> {new.__name__}", change)
            )
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            points.append((index, f"line {line}: drop not", "drop_not"))
        elif isinstance(node, ast.If):
            for value in (False, True):

                def change(n, value=value):
                    n.test = ast.Constant(value)

                points.append((index, f"line {line}: if condition -> {value}", change))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            new = ast.Sub if isinstance(node.op, ast.Add) else ast.Add

            def change(n, new=new):
                n.op = new()

            points.append(
                (index, f"line {line}: {type(node.op).__name__} -> {new.__name__}", change)
            )
    return points


def mutant_source(tree: ast.AST, index: int, change) -> str:
    mutant = copy.deepcopy(tree)
    if change == "drop_not":
        # Replace the `not x` node by x in its parent.
        nodes = list(ast.walk(mutant))
        target = nodes[index]
        for parent in nodes:
            for field, value in ast.iter_fields(parent):
                if value is target:
                    setattr(parent, field, target.operand)
                elif isinstance(value, list):
                    for i, item in enumerate(value):
                        if item is target:
                            value[i] = target.operand
    else:
        change(list(ast.walk(mutant))[index])
    return ast.unparse(ast.fix_missing_locations(mutant))


MODULES = {"calendar": "organisations.calendar", "clocks": "cases.exclusions.clocks"}


def _swap_code(original, mutated: dict) -> None:
    """Give the loaded module's functions, methods and constants the mutant's, in place, so every
    module that imported them runs the mutant."""

    def swap(old, new):
        for attr in ("__code__", "__defaults__", "__kwdefaults__"):
            setattr(old, attr, getattr(new, attr))

    for name, new in mutated.items():
        old = getattr(original, name, None)
        if inspect.isfunction(old) and inspect.isfunction(new):
            swap(old, new)
        elif inspect.isclass(old) and inspect.isclass(new) and old.__module__ == original.__name__:
            for key, value in vars(new).items():
                current = vars(old).get(key)
                if inspect.isfunction(value) and inspect.isfunction(current):
                    swap(current, value)
                elif isinstance(value, (property, functools.cached_property)):
                    getter = value.fget if isinstance(value, property) else value.func
                    old_getter = current.fget if isinstance(current, property) else current.func
                    swap(old_getter, getter)
                elif isinstance(value, (classmethod, staticmethod)):
                    swap(current.__func__, value.__func__)
        elif not name.startswith("__") and not inspect.ismodule(new) and not inspect.isclass(new):
            setattr(original, name, new)


def pure_tests_pass(name: str) -> bool:
    """Run the pure tests against the mutant in a forked child; True when they all pass."""
    child = os.fork()
    if child == 0:
        code = 1
        try:
            module = importlib.import_module(MODULES[name])
            # The mutant is in the module's file already: load it as a separate module.
            spec = importlib.util.spec_from_file_location(f"mutant_{name}", module.__file__)
            mutant = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mutant)
            namespace = vars(mutant)
            _swap_code(module, namespace)
            # A failing example is enough: no shrinking, no example database.
            hypothesis.settings.register_profile(
                "mutation",
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                database=None,
            )
            hypothesis.settings.load_profile("mutation")
            with (
                open(os.devnull, "w") as quiet,
                contextlib.redirect_stdout(quiet),
                contextlib.redirect_stderr(quiet),
            ):
                code = pytest.main(
                    ["-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *PURE_TESTS]
                )
        finally:
            os._exit(int(code))
    # A mutant that never ends (a loop that no longer moves on) is killed by the time limit.
    deadline = time.monotonic() + TIME_LIMIT
    while time.monotonic() < deadline:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) == 0
        time.sleep(0.1)
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    return False


def run_tests() -> bool:
    """True when the tests pass (the mutant survives)."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", *PLUGINS, *TESTS],
            cwd=ROOT,
            env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=10 * TIME_LIMIT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False  # a mutant that never ends: killed by the time limit
    return result.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=sorted(TARGETS))
    parser.add_argument("--limit", type=int, default=0, help="at most N mutants a module")
    parser.add_argument("--skip-baseline", action="store_true", help="when continuing a run")
    parser.add_argument(
        "--start", type=int, default=1, help="begin at the Nth mutant (to continue a run)"
    )
    parser.add_argument(
        "--again",
        type=Path,
        help="a file of survivor lines from an earlier run: run only those mutants again",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    django.setup()
    if not args.skip_baseline and not run_tests():
        print("The clock tests fail without any mutation: fix them first")
        return 2
    killed = survived = 0
    survivors = []
    started = time.monotonic()
    for name, path in TARGETS.items():
        if args.only and name != args.only:
            continue
        original = path.read_text()
        tree = ast.parse(original)
        points = mutation_points(tree)
        if args.limit:
            points = points[: args.limit]
        if args.again:
            wanted = {
                line.split("survived: ", 1)[1].strip()
                for line in args.again.read_text().splitlines()
                if "survived: " in line
            }
            points = [p for p in points if f"{path.relative_to(ROOT)} {p[1]}" in wanted]
        print(f"{name}: {len(points)} mutants", flush=True)
        try:
            for number, (index, description, change) in enumerate(points, start=1):
                if number < args.start:
                    continue
                path.write_text(mutant_source(tree, index, change))
                if pure_tests_pass(name) and run_tests():
                    survived += 1
                    survivors.append(f"{path.relative_to(ROOT)} {description}")
                    mark = "SURVIVED"
                else:
                    killed += 1
                    mark = "killed"
                elapsed = time.monotonic() - started
                print(
                    f"  [{number}/{len(points)}] {description}: {mark} ({elapsed:.0f} s)",
                    flush=True,
                )
        finally:
            path.write_text(original)
    total = killed + survived
    score = 100 * killed / total if total else 100
    print(f"\n{killed} of {total} mutants killed: {score:.1f}%")
    for line in survivors:
        print(f"  survived: {line}")
    return 0 if score >= 90 else 1


if __name__ == "__main__":
    sys.exit(main())
