"""Run tini's test/run_inner_tests.py (fetched at test time) one check at a time.

tini's script is one long main() that stops at its first failed assert, so
one difference would hide every check after it. This runner rewrites the
script's syntax tree in memory (the file on disk is left as fetched):

- each statement list is cut where the script announces a step with print(),
  and the statements up to the next announcement become one check, named
  after the announcement (paths shortened so names are stable);
- an assert directly in main() records its message and lets the check go on,
  so a check reports every difference in it, not only the first; asserts in
  the script's helpers (its busy wait) still end the check;
- a check that hangs is ended by an alarm, and what it started is killed;
- a check that races with itself (RACY below) gets more than one attempt,
  and each retry is printed.

Usage: tini_inner.py SCRIPT RESULTS.jsonl   (SOURCE_DIR and BUILD_DIR set)
Each check becomes one JSON line: {"id", "outcome", "failures"}.
"""

import ast
import json
import os
import signal
import sys

import psutil

SECONDS_PER_CHECK = 60

# RACY names the checks whose own children race with the signal they wait
# for, with the attempts each gets. The process-group checks signal tini as
# soon as its grandchild exists, while that grandchild may still ignore
# SIGUSR1 (it resets it between fork and exec); the signal is then lost and
# the check waits until its own timeout. The real tini loses that race too.
# A racy check must hold no announced check of its own: that one would be
# recorded once per attempt.
RACY = {"Running process group test": 3}


class CheckTimedOut(Exception):
    pass


class Runner:
    def __init__(self, results, shorten):
        self.results = results
        self.shorten = shorten
        self.announced = ""
        self.failures = []  # per open check, innermost last

    def announce(self, *args, **kwargs):
        print(*args, **kwargs)
        self.announced = " ".join(str(a) for a in args)

    def soft_assert(self, ok, message):
        if not ok:
            self.failures[-1].append(str(message()) if message else "assertion failed")

    def check(self, attempt):
        return Check(self, attempt)

    def attempts(self):
        """Yields one attempt at the check just announced; for a RACY one,
        another after each failure, up to its number."""
        name = self.shorten(self.announced)
        tries = next((n for prefix, n in RACY.items() if name.startswith(prefix)), 1)
        for k in range(tries):
            attempt = Attempt(name, last=k == tries - 1)
            yield attempt
            if attempt.passed:
                return
            if not attempt.last:
                print("retrying (a race in the check itself):", name)

    def record(self, name, failures):
        outcome = "fail" if failures else "pass"
        line = {"id": name, "outcome": outcome}
        if failures:
            line["failures"] = failures
        self.results.write(json.dumps(line) + "\n")
        self.results.flush()


class Attempt:
    """One run of a check's statements; only the last, or a pass, is recorded."""

    def __init__(self, name, last):
        self.name, self.last, self.passed = name, last, False


class Check:
    """One announced step: records its result and never lets an error out."""

    def __init__(self, runner, attempt):
        self.runner, self.attempt = runner, attempt

    def __enter__(self):
        self.name = self.attempt.name
        self.runner.failures.append([])
        self.outer_alarm = signal.alarm(SECONDS_PER_CHECK)
        return self

    def __exit__(self, kind, err, tb):
        signal.alarm(0)
        failures = self.runner.failures.pop()
        if err is not None:
            if isinstance(err, CheckTimedOut):
                failures.append("no result after %d seconds" % SECONDS_PER_CHECK)
            else:
                failures.append("%s: %s" % (kind.__name__, err))
        if failures:
            # What a failed step started may still run; it must not
            # disturb the next one.
            for child in psutil.Process().children(recursive=True):
                try:
                    child.kill()
                except psutil.NoSuchProcess:
                    pass
            psutil.wait_procs(psutil.Process().children(recursive=True), timeout=5)
        self.attempt.passed = not failures
        if not failures or self.attempt.last:
            self.runner.record(self.name, failures)
        if self.outer_alarm:
            signal.alarm(self.outer_alarm)
        # Exceptions that are not errors (Ctrl-C) still stop the run.
        return err is None or isinstance(err, Exception)


def is_announcement(stmt):
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name) and stmt.value.func.id == "print")


class Split(ast.NodeTransformer):
    """Cuts statement lists at announcements, and softens main()'s asserts."""

    def __init__(self):
        self.in_main = False

    def visit_FunctionDef(self, node):
        outer, self.in_main = self.in_main, node.name == "main"
        self.generic_visit(node)
        if self.in_main:
            node.body = self.cut(node.body)
        self.in_main = outer
        return node

    def generic_visit(self, node):
        super().generic_visit(node)
        if self.in_main and not isinstance(node, ast.FunctionDef):
            for field in ("body", "orelse"):
                stmts = getattr(node, field, None)
                if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                    setattr(node, field, self.cut(stmts))
        return node

    def visit_Assert(self, node):
        if not self.in_main:
            return node
        message = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[],
                                                defaults=[]), body=node.msg) if node.msg else ast.Constant(None)
        call = ast.Call(func=ast.Attribute(value=ast.Name("_compat", ast.Load()), attr="soft_assert", ctx=ast.Load()),
                        args=[node.test, message], keywords=[])
        return ast.copy_location(ast.Expr(call), node)

    def cut(self, stmts):
        if any(isinstance(s, (ast.With, ast.For)) and getattr(s, "_compat", False) for s in stmts):
            return stmts  # already cut
        out, i = [], 0
        while i < len(stmts):
            stmt = stmts[i]
            if not is_announcement(stmt):
                out.append(stmt)
                i += 1
                continue
            j = i + 1
            while j < len(stmts) and not is_announcement(stmts[j]):
                j += 1
            out.append(stmt)
            if j > i + 1:  # an announcement with nothing after it is no check
                body = stmts[i + 1:j]
                guard = ast.With(items=[ast.withitem(context_expr=ast.Call(
                    func=ast.Attribute(value=ast.Name("_compat", ast.Load()), attr="check", ctx=ast.Load()),
                    args=[ast.Name("_compat_attempt", ast.Load())], keywords=[]))], body=body)
                guard._compat = True
                # for _compat_attempt in _compat.attempts(): with _compat.check(): ...
                tries = ast.For(target=ast.Name("_compat_attempt", ast.Store()),
                                iter=ast.Call(func=ast.Attribute(value=ast.Name("_compat", ast.Load()),
                                                                 attr="attempts", ctx=ast.Load()), args=[], keywords=[]),
                                body=[guard], orelse=[])
                tries._compat = True
                out.append(ast.copy_location(tries, body[0]))
            i = j
        return out


def main():
    script, results_path = sys.argv[1], sys.argv[2]
    source_dir, build_dir = os.environ["SOURCE_DIR"], os.environ["BUILD_DIR"]

    def shorten(text):
        return text.replace(build_dir + "/", "").replace(source_dir + "/", "")

    tree = ast.parse(open(script).read(), script)
    tree = ast.fix_missing_locations(Split().visit(tree))
    code = compile(tree, script, "exec")

    def on_alarm(signum, frame):
        raise CheckTimedOut()

    signal.signal(signal.SIGALRM, on_alarm)
    with open(results_path, "w") as results:
        runner = Runner(results, shorten)
        namespace = {"__name__": "__main__", "__file__": script, "_compat": runner, "print": runner.announce}
        sys.argv = [script]
        try:
            exec(code, namespace)
        except Exception as err:  # outside every check: the set-up itself
            runner.record("set-up of run_inner_tests.py", ["%s: %s" % (type(err).__name__, err)])


if __name__ == "__main__":
    main()
