package dev.aha.runtime.task;

import java.util.regex.Pattern;

/**
 * Code problems as the code reward needs them: the reference of a code task is a Python test program that the
 * sandbox runs after the completion's program, in its namespace.
 */
public final class CodeProblems {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private CodeProblems() {}

    /** HumanEval's tests: its {@code check} definition, then one call of it on the entry point. */
    public static String humanEvalTests(String test, String entryPoint) {
        return test + "\n\ncheck(" + entryPoint + ")\n";
    }

    /** The program a model should write, as the code reward finds it: in R1's format, the code fenced. */
    public static String answer(String think, String program) {
        return "<think>" + think + "</think> <answer>```python\n" + program + "```</answer>";
    }

    /** A HumanEval line's {@code entry_point}: spliced into the test program, so it must be a plain identifier. */
    public static String entryPoint(JsonlRecord r) {
        String entryPoint = r.requireText("entry_point");
        if (!IDENTIFIER.matcher(entryPoint).matches()) {
            throw r.problem("\"entry_point\" must be a Python identifier, was \"" + entryPoint + "\"");
        }
        return entryPoint;
    }

    /** One HumanEval line. */
    static TaskPrompt humanEvalPrompt(String task, JsonlRecord r) {
        String prompt = r.requireText("prompt");
        String test = r.requireText("test");
        String entryPoint = entryPoint(r);
        String canonical = r.optionalText("canonical_solution");
        String taskId = r.optionalText("task_id");
        String id = task + "/" + (taskId != null ? taskId : r.path().getFileName() + ":" + r.lineNumber());
        String solution = canonical == null ? null : answer("Complete " + entryPoint + ".", prompt + canonical);
        return new TaskPrompt(id, prompt, humanEvalTests(test, entryPoint), solution);
    }
}
