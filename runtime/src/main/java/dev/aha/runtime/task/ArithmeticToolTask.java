package dev.aha.runtime.task;

import dev.aha.runtime.agent.CalculatorTool;
import dev.aha.runtime.agent.CompactTurnFormat;
import dev.aha.runtime.agent.ToolException;
import dev.aha.runtime.chat.Conversation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Arithmetic the built-in GPT cannot do in its head (3-digit products, mixed operations: aha.task.arithmetic-tool)
 * with the {@code calculator} tool. The worked solutions of its cold start call the tool in the compact format and
 * copy its last result into the answer, in one of two ways: once on the whole expression,
 * {@code <think>[calculator 123*456+7]=56095</think> <answer>56095</answer>}, or, for half of the expressions of
 * three operands (chosen by a hash of the expression), one step at a time in the order precedence takes them, the
 * second step on the calculator's {@code ans}: {@code <think>[calculator 123*456]=56088[calculator ans+7]=56095</think>
 * <answer>56095</answer>}. Each {@code =...} is the tool's observation in an episode: SFT trains on the conversation's
 * policy turns, the observations masked. RL then finds which way pays. With tools off (the control) the solutions
 * work the steps in the head, as {@code arithmetic}'s do.
 * Problems, ids and the held-out split are {@link ArithmeticTask}'s for the same settings.
 */
public final class ArithmeticToolTask implements Task {

    public static final String NAME = "arithmetic-tool";

    private static final Pattern THREE_OPERANDS = Pattern.compile("(\\d+)([-+*])(\\d+)([-+*])(\\d+)");

    private final ArithmeticTask problems;
    private final boolean tools;

    public ArithmeticToolTask(ArithmeticSettings settings, boolean tools) {
        this.problems = new ArithmeticTask(settings);
        this.tools = tools;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String referenceAnswer(String datasetAnswer) {
        return datasetAnswer.trim();
    }

    @Override
    public PromptStream trainStream(long seed) {
        PromptStream stream = problems.trainStream(seed);
        return () -> withTool(stream.next());
    }

    @Override
    public List<TaskPrompt> heldOut(int n) {
        return problems.heldOut(n).stream().map(this::withTool).toList();
    }

    private TaskPrompt withTool(TaskPrompt p) {
        String id = NAME + p.id().substring(p.id().indexOf('/'));
        if (!tools) {
            return new TaskPrompt(id, p.question(), p.referenceAnswer(), p.solution());
        }
        List<String> messages = new ArrayList<>(List.of("user", p.question()));
        StringBuilder solution = new StringBuilder();
        String turn = "<think>";
        for (Step step : steps(p)) {
            String call = turn + CompactTurnFormat.OPEN + CalculatorTool.NAME + " " + step.expression()
                    + CompactTurnFormat.CLOSE;
            messages.addAll(List.of("assistant", call, "tool", step.result()));
            solution.append(call).append(CompactTurnFormat.RESULT).append(step.result());
            turn = "";
        }
        String answer = "</think> <answer>" + p.referenceAnswer() + "</answer>";
        messages.addAll(List.of("assistant", answer));
        solution.append(answer);
        return new TaskPrompt(id, p.question(), p.referenceAnswer(), solution.toString(), null,
                Conversation.of(messages.toArray(String[]::new)));
    }

    /** One calculator call of a worked solution and what it returns. */
    record Step(String expression, String result) {
    }

    /**
     * The calls of {@code p}'s worked solution: the whole expression at once, or for a stepwise expression of three
     * operands {@code a op b op c}, the step precedence takes first, then the other on {@code ans}.
     */
    static List<Step> steps(TaskPrompt p) {
        Matcher m = THREE_OPERANDS.matcher(p.question());
        if (!m.matches() || !stepwise(p.question())) {
            return List.of(new Step(p.question(), p.referenceAnswer()));
        }
        String a = m.group(1);
        char first = m.group(2).charAt(0);
        String b = m.group(3);
        char second = m.group(4).charAt(0);
        String c = m.group(5);
        boolean rightFirst = second == '*' && first != '*';
        String step = rightFirst ? b + second + c : a + first + b;
        String then = rightFirst ? a + first + CalculatorTool.ANS : CalculatorTool.ANS + second + c;
        try {
            return List.of(new Step(step, CalculatorTool.evaluate(step).toString()),
                    new Step(then, p.referenceAnswer()));
        } catch (ToolException e) {
            throw new IllegalStateException("a generated step does not evaluate: " + step, e);
        }
    }

    /** Whether an expression's worked solution goes step by step: half of them, by a hash of the text. */
    static boolean stepwise(String expression) {
        return (expression.hashCode() * 0x9E3779B1) >>> 31 == 1;
    }
}
