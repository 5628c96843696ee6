# The trusted half of one sandboxed run, started by dev.aha.runtime.sandbox.Sandbox inside bubblewrap as
#   python3 -I -S -B -c <this file> CPU_SECONDS MEMORY_BYTES PROCESSES FILE_BYTES
# It reads {"nonce", "program", "tests"} as JSON from stdin, sets the resource limits (everything after that may be
# hostile), compiles the program, runs it, then runs the tests statement by statement in the program's namespace.
# Every top-level assert or bare expression of the tests (HumanEval's `check(candidate)`) is one test; other
# statements (imports, definitions) must run or the whole run fails. The last line it writes is
#   AHA-RESULT <nonce> <passed|failed|syntax|memory> <tests passed> <tests>
# written by the first process only: a forked child that reaches the end exits silently, so it cannot report for
# the parent. A program that exits before its tests ran (sys.exit, os._exit) writes no result line: the JVM scores
# that as failed. The nonce is drawn per run so program output cannot pass for a result by accident; a program
# written to dig it out of this process's memory could, which is reward hacking, not an escape: it stays inside.
import ast
import json
import os
import resource
import sys
import traceback


def main():
    cpu, memory, processes, file_bytes = (int(a) for a in sys.argv[1:5])
    payload = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    nonce, program, tests = payload["nonce"], payload["program"], payload["tests"]
    # Bound before any program runs: a program that patches the os module cannot change what reports.
    getpid, write, exit_ = os.getpid, os.write, os._exit
    me = getpid()

    def explain():
        # The traceback goes to stderr (the JVM keeps the head of the output for diagnostics); a failure to print
        # one, say out of memory, must not change the report.
        try:
            traceback.print_exc(limit=5)
        except BaseException:
            pass

    def report(outcome, passed, total):
        if getpid() != me:
            exit_(1)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        write(1, ("\nAHA-RESULT %s %s %d %d\n" % (nonce, outcome, passed, total)).encode("ascii"))
        exit_(0)

    statements = [(compile(ast.Module(body=[s], type_ignores=[]), "<tests>", "exec"),
                   isinstance(s, (ast.Assert, ast.Expr))) for s in ast.parse(tests, "<tests>").body]
    total = sum(1 for _, counted in statements if counted)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    try:
        code = compile(program, "<solution>", "exec")
    except (SyntaxError, ValueError):
        explain()
        report("syntax", 0, total)
    namespace = {"__name__": "solution", "__builtins__": __builtins__}
    try:
        exec(code, namespace)
    except MemoryError:
        report("memory", 0, total)
    except BaseException:
        explain()
        report("failed", 0, total)
    passed = 0
    for statement, counted in statements:
        try:
            exec(statement, namespace)
            passed += 1 if counted else 0
        except MemoryError:
            report("memory", passed, total)
        except BaseException:
            explain()
            if not counted:
                report("failed", passed, total)
    report("passed" if total > 0 and passed == total else "failed", passed, total)


main()
