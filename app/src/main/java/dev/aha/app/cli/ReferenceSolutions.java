package dev.aha.app.cli;

import dev.aha.runtime.task.BadLinePolicy;
import dev.aha.runtime.task.CodeProblems;
import dev.aha.runtime.task.JsonlReader;
import dev.aha.runtime.task.JsonlRecord;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The HumanEval-style problems {@code aha score} checks code against, and their own solutions as completions: the
 * canonical ones (every one should pass) and the same with each body replaced by {@code return None} (none
 * should). Both are fenced programs, as a model would write them.
 */
final class ReferenceSolutions {

    /** Which solutions to score. */
    enum Kind {
        CANONICAL, RETURN_NONE;

        /** {@code canonical}, {@code return-none}: the option's values. */
        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Kind parse(String label) {
            for (Kind k : values()) {
                if (k.label().equals(label)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("--reference-solutions must be canonical or return-none, was '" + label
                    + "'");
        }

        String completion(Problem p) {
            String body = this == CANONICAL ? p.canonicalSolution() : "    return None\n";
            return "```python\n" + p.prompt() + body + "```";
        }
    }

    /** One problem: its prompt (signature and docstring), tests with the check call, canonical body. */
    record Problem(String taskId, String prompt, String tests, String canonicalSolution) {}

    private ReferenceSolutions() {}

    /** The file's problems by task_id, in file order. */
    static Map<String, Problem> read(Path file, BadLinePolicy policy) {
        Map<String, Problem> problems = new LinkedHashMap<>();
        JsonlReader.read(file, policy, r -> {
            String id = r.requireText("task_id");
            String entryPoint = CodeProblems.entryPoint(r);
            Problem p = new Problem(id, r.requireText("prompt"),
                    CodeProblems.humanEvalTests(r.requireText("test"), entryPoint),
                    r.requireText("canonical_solution"));
            if (problems.putIfAbsent(id, p) != null) {
                throw r.problem("repeats task_id \"" + id + "\"");
            }
        });
        return problems;
    }

    /** An input line to score: its completion, and tests given as "answer" or by a task_id of the dataset. */
    static CodeScoring.Line line(JsonlRecord r, Map<String, Problem> problems) {
        String completion = r.requireText("completion");
        String taskId = r.optionalText("task_id");
        String id = taskId != null ? taskId : r.optionalText("id");
        String tests = r.optionalText("answer");
        if (tests == null) {
            if (taskId == null) {
                throw r.problem("needs the tests as \"answer\", or a \"task_id\" of --dataset");
            }
            Problem p = problems.get(taskId);
            if (p == null) {
                throw r.problem(problems.isEmpty() ? "\"task_id\" needs --dataset FILE to find its tests"
                        : "task_id \"" + taskId + "\" is not in --dataset");
            }
            tests = p.tests();
        }
        return new CodeScoring.Line(r.lineNumber(), id, completion, tests);
    }
}
