"""Mutation testing of the rule modules: does some test fail when a rule is changed a little?

Each mutant changes one thing in one module (a comparison swapped, an integer constant +1, True↔False, `not` dropped,
and↔or, a statement deleted, a return value replaced by None). The tests that cover the module (MODULE_TESTS) run
against it with `pytest -x -q -m "not postgres"` in a private copy of the project, under a timeout. A mutant is
killed when they fail (or time out), survived when they pass. The report lists every survivor with its line and
what changed. Target (issue 13): ≥ 90 % killed overall.
A mutant that times out runs once more with ten times the time before it counts as killed (a loaded machine makes
slow runs look like hangs).
Run: bench/mutation [--jobs N] [--only MODULE …] [--timeout SECONDS] [--again EARLIER_OUTPUT]
"""
from __future__ import annotations

import argparse
import ast
import os
import platform
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Queue

ROOT = Path(__file__).resolve().parent.parent
#: module → the test files that pin its rules (the fastest that do: the run is for every mutant)
MODULE_TESTS = {
    "portal/services/ledger/deadlines.py": ["tests/ledger/test_deadlines.py"],
    "portal/services/common/privacy.py": ["tests/common/test_privacy.py", "tests/replies/test_redaction.py"],
    "portal/services/replies/redaction.py": ["tests/replies/test_redaction.py"],
    "portal/services/feedback/case_codes.py": ["tests/feedback/test_case_codes.py"],
    "portal/services/common/clocks.py": ["tests/common/test_clocks.py", "tests/feedback/test_clerk_intake.py"],
    "portal/services/common/authz.py": ["tests/common/test_authz.py"],
    "portal/services/ledger/figures.py": ["tests/ledger/test_figures.py", "tests/reports/test_figures.py"],
    "portal/services/feedback/workflow.py": ["tests/feedback/test_workflow.py", "tests/feedback/test_handoffs.py"],
    "portal/services/ledger/reader.py": ["tests/ledger/test_reader_edges.py", "tests/ledger/test_import.py",
                                         "tests/ledger/test_import_messy.py", "tests/ledger/test_import_rejects.py",
                                         "tests/ledger/test_import_hostile.py"],
}
#: a progress line of a mutant that survived or timed out: module stem, line, change
NOT_KILLED = re.compile(r"^\[\d+/\d+\] (?:timeout |survived) (\w+):(\d+) (.*)$", re.M)
SWAPS: dict[type, type] = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
                           ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot,
                           ast.IsNot: ast.Is, ast.And: ast.Or, ast.Or: ast.And}
DELETABLE = (ast.Assign, ast.AugAssign, ast.Expr, ast.Raise)


@dataclass(frozen=True)
class Mutant:
    module: str
    index: int
    line: int
    before: str
    after: str


class Mutator(ast.NodeTransformer):
    """Walks a module; counts every place it could change, and changes the place numbered target (if any)."""

    def __init__(self, source: str, target: int = -1) -> None:
        self.source, self.target, self.count = source, target, 0
        self.found: list[tuple[int, str, str]] = []

    def _site(self, node: ast.AST, mutated: ast.AST, shown: ast.AST | None = None) -> ast.AST:
        """Record one possible mutant of node; return the mutated node when it is the target."""
        index, self.count = self.count, self.count + 1
        before = ast.get_source_segment(self.source, shown or node) or ast.unparse(shown or node)
        self.found.append((getattr(node, "lineno", 0), " ".join(before.split()), ast.unparse(mutated)))
        return mutated if index == self.target else node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for position, op in enumerate(node.ops):
            if type(op) in SWAPS:
                ops = [*node.ops]
                ops[position] = SWAPS[type(op)]()
                result = self._site(node, ast.copy_location(ast.Compare(node.left, ops, node.comparators), node))
                if result is not node:
                    return result
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        swapped = ast.copy_location(ast.BoolOp(SWAPS[type(node.op)](), node.values), node)
        return self._site(node, swapped)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        return self._site(node, node.operand) if isinstance(node.op, ast.Not) else node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, bool):
            return self._site(node, ast.copy_location(ast.Constant(not node.value), node))
        if isinstance(node.value, int):
            return self._site(node, ast.copy_location(ast.Constant(node.value + 1), node))
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        if node.value is None or (isinstance(node.value, ast.Constant) and node.value.value is None):
            return node
        return self._site(node, ast.copy_location(ast.Return(ast.Constant(None)), node))

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.Module | ast.ClassDef):
            return super().generic_visit(node)
        for name in ("body", "orelse", "finalbody"):
            statements = getattr(node, name, None)
            if isinstance(statements, list) and statements and isinstance(statements[0], ast.stmt):
                self._delete_sites(node, statements)
        return super().generic_visit(node)

    def _delete_sites(self, node: ast.AST, statements: list[ast.stmt]) -> None:
        """A statement of a function replaced by pass (docstrings left alone; module and class level statements
        are not deleted: the import would fail, which every test notices)."""
        for position, statement in enumerate(statements):
            if not isinstance(statement, DELETABLE) or _is_docstring(statement):
                continue
            result = self._site(statement, ast.copy_location(ast.Pass(), statement))
            if result is not statement:
                statements[position] = result


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


def mutants(module: str, source: str) -> list[Mutant]:
    mutator = Mutator(source)
    mutator.visit(ast.parse(source))
    return [Mutant(module, i, line, before, after) for i, (line, before, after) in enumerate(mutator.found)]


def mutated_source(mutant: Mutant, source: str) -> str:
    """The module with this one change; source is the module as copied, so later edits cannot shift the count."""
    tree = Mutator(source, mutant.index).visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree))


def copy_project(into: Path) -> Path:
    """The code and tests as they are now, without caches, for one worker to mutate freely."""
    target = into / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".browser", ".git", "node_modules", ".venv")
    for part in ("portal", "tests", "templates", "static", "data", "migrations"):
        shutil.copytree(ROOT / part, target / part, ignore=ignore)
    for name in ("pyproject.toml", "babel.cfg", "wsgi.py"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, target / name)
    return target


#: what every test run imports: loaded once here, shared by the forked runs (portal itself is imported fresh)
PRELOADED = ("flask", "sqlalchemy", "openpyxl", "hypothesis", "pytest", "flask_babel", "flask_wtf", "wtforms",
             "flask_login", "flask_limiter", "argon2", "nh3", "babel", "psycopg", "opencc_purepy", "_pytest.main")


def preload() -> None:
    """Import the heavy libraries once: each mutant's test run is a fork, not a new interpreter."""
    for name in PRELOADED:
        __import__(name)


def _pytest_in_child(project: Path, tests: list[str]) -> None:
    """The forked child: run pytest on the project copy, quietly, and exit with its code."""
    import pytest
    os.chdir(project)
    sys.path.insert(0, str(project))
    sys.dont_write_bytecode = True
    os.environ.pop("PORTAL_TEST_DATABASE_URL", None)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-m", "not postgres and not browser", *tests])
    os._exit(int(code))


def run_tests(project: Path, tests: list[str], timeout: float) -> tuple[str, float]:
    """killed, survived or timeout; and the seconds it took."""
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            _pytest_in_child(project, tests)
        finally:
            os._exit(3)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - started > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout", time.monotonic() - started
        time.sleep(0.05)
    code = os.waitstatus_to_exitcode(status)
    if code == 5:
        sys.exit(f"no tests collected by {' '.join(tests)}: fix MODULE_TESTS")
    return ("survived" if code == 0 else "killed"), time.monotonic() - started


def check_baseline(project: Path, modules: list[str]) -> dict[str, float]:
    """The unmutated tests must pass, or every mutant would look killed; their time sets the timeout."""
    seconds = {}
    for module in modules:
        outcome, took = run_tests(project, MODULE_TESTS[module], timeout=900)
        if outcome != "survived":
            sys.exit(f"the tests of {module} fail without any mutant: fix them first")
        seconds[module] = took
    return seconds


def run_all(todo: list[Mutant], workers: Queue, limits: dict[str, float], jobs: int) -> Iterator[tuple]:
    def one(mutant: Mutant) -> tuple[Mutant, str]:
        project = workers.get()
        path = project / mutant.module
        original = path.read_text(encoding="utf-8")
        try:
            path.write_text(mutated_source(mutant, original), encoding="utf-8")
            outcome, _ = run_tests(project, MODULE_TESTS[mutant.module], limits[mutant.module])
        finally:
            path.write_text(original, encoding="utf-8")
            workers.put(project)
        return mutant, outcome
    with ThreadPoolExecutor(jobs) as pool:
        yield from pool.map(one, todo)


def report(results: list[tuple[Mutant, str]], modules: list[str], started: float, jobs: int) -> float:
    print(f"\nMutation testing, {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()} {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {jobs} jobs, {time.monotonic() - started:.0f} s, "
          f"load average at end {os.getloadavg()[0]:.2f}")
    print("| module | mutants | killed | timeouts | survived | killed % |\n|---|---|---|---|---|---|")
    total = killed = 0
    for module in modules:
        mine = [outcome for mutant, outcome in results if mutant.module == module]
        dead = sum(outcome != "survived" for outcome in mine)
        total, killed = total + len(mine), killed + dead
        print(f"| {module.removeprefix('portal/services/')} | {len(mine)} | {dead} | {mine.count('timeout')} | "
              f"{len(mine) - dead} | {100 * dead / max(len(mine), 1):.1f} |")
    print(f"| **all** | {total} | {killed} | | {total - killed} | **{100 * killed / max(total, 1):.1f}** |")
    print("\nSurvivors:")
    for mutant, outcome in results:
        if outcome == "survived":
            print(f"  {mutant.module.removeprefix('portal/services/')}:{mutant.line} #{mutant.index}: "
                  f"- {mutant.before}  + {mutant.after}")
    return 100 * killed / max(total, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="modules (paths as in MODULE_TESTS, or a part of one)")
    parser.add_argument("--timeout", type=float, default=0, help="seconds per mutant (default: 3 × the baseline)")
    parser.add_argument("--target", type=float, default=90.0, help="exit non-zero below this killed %%")
    parser.add_argument("--again", type=Path, metavar="LOG",
                        help="run only the mutants that survived or timed out in an earlier run's output")
    args = parser.parse_args()
    modules = [m for m in MODULE_TESTS if not args.only or any(part in m for part in args.only)]
    started = time.monotonic()
    preload()
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        projects = [copy_project(Path(tmp) / str(n)) for n in range(args.jobs)]
        baseline = check_baseline(projects[0], modules)
        limits = {m: args.timeout or max(20.0, 3 * s) for m, s in baseline.items()}
        todo = [mutant for module in modules
                for mutant in mutants(module, (projects[0] / module).read_text(encoding="utf-8"))]
        if args.again:
            earlier = set(NOT_KILLED.findall(args.again.read_text(encoding="utf-8")))
            todo = [m for m in todo if (Path(m.module).stem, str(m.line), m.after[:60]) in earlier]
        print(f"{len(todo)} mutants in {len(modules)} modules; baseline seconds "
              + ", ".join(f"{Path(m).stem} {s:.1f}" for m, s in baseline.items()), flush=True)
        workers: Queue = Queue()
        for project in projects:
            workers.put(project)
        results = []
        for number, (mutant, outcome) in enumerate(run_all(todo, workers, limits, args.jobs), 1):
            results.append((mutant, outcome))
            print(f"[{number}/{len(todo)}] {outcome:8} {Path(mutant.module).stem}:{mutant.line} {mutant.after[:60]}",
                  flush=True)
        again = [mutant for mutant, outcome in results if outcome == "timeout"]
        if again:
            # a loaded machine makes slow runs look like hangs: a timed-out mutant runs once more, given 10 × the time
            print(f"re-running the {len(again)} timed-out mutants with 10 × the baseline time", flush=True)
            patient = {m: max(60.0, 10 * s) for m, s in baseline.items()}
            outcomes = dict(run_all(again, workers, patient, args.jobs))
            for mutant in again:
                print(f"  {outcomes[mutant]:8} {Path(mutant.module).stem}:{mutant.line} {mutant.after[:60]}",
                      flush=True)
            results = [(mutant, outcomes.get(mutant, outcome)) for mutant, outcome in results]
    if report(results, modules, started, args.jobs) < args.target:
        sys.exit(1)


if __name__ == "__main__":
    main()
