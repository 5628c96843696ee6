package dev.aha.runtime.task;

import dev.aha.runtime.agent.CalculatorTool;
import dev.aha.runtime.agent.CompactTurnFormat;
import dev.aha.runtime.chat.Conversation;
import java.util.ArrayList;
import java.util.List;

/**
 * Arithmetic the built-in GPT cannot do in its head (3-digit products, mixed operations: aha.task.arithmetic-tool)
 * with the {@code calculator} tool. The worked solutions of its cold start call the tool once per step, in the order
 * the usual precedence takes them, each call on the operands and the result before it, and copy the last result into
 * the answer: {@code <think>[calculator 123*456]=56088[calculator 56088+7]=56095</think> <answer>56095</answer>},
 * where each {@code =...} is the tool's observation in an episode: SFT trains on the conversation's policy turns, the
 * observations masked. With tools off (the control) they work the same steps in the head, as {@code arithmetic}'s do.
 * Problems, ids and the held-out split are {@link ArithmeticTask}'s for the same settings.
 */
public final class ArithmeticToolTask implements Task {

    public static final String NAME = "arithmetic-tool";

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
        for (ArithmeticProblem.Step step : ArithmeticProblem.parse(p.question()).steps()) {
            String call = turn + CompactTurnFormat.OPEN + CalculatorTool.NAME + " " + step.operation()
                    + CompactTurnFormat.CLOSE;
            String result = Long.toString(step.result());
            messages.addAll(List.of("assistant", call, "tool", result));
            solution.append(call).append(CompactTurnFormat.RESULT).append(result);
            turn = "";
        }
        String answer = "</think> <answer>" + p.referenceAnswer() + "</answer>";
        messages.addAll(List.of("assistant", answer));
        solution.append(answer);
        return new TaskPrompt(id, p.question(), p.referenceAnswer(), solution.toString(), null,
                Conversation.of(messages.toArray(String[]::new)));
    }
}
