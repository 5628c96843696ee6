package dev.aha.runtime.task;

import dev.aha.runtime.agent.CalculatorTool;
import dev.aha.runtime.agent.CompactTurnFormat;
import dev.aha.runtime.chat.Conversation;
import java.util.List;

/**
 * Arithmetic the built-in GPT cannot do in its head (3-digit products, mixed operations: aha.task.arithmetic-tool)
 * with the {@code calculator} tool. The worked solutions of its cold start call the tool once on the whole
 * expression in the compact format and copy its result into the answer:
 * {@code <think>[calculator 123*456+7]=56095</think> <answer>56095</answer>}, where {@code =56095} is the tool's
 * observation in an episode: SFT trains on that conversation's two turns, the observation masked. With tools off (the
 * control) they work the steps in the head, as {@code arithmetic}'s do.
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
        String call = "<think>" + CompactTurnFormat.OPEN + CalculatorTool.NAME + " " + p.question()
                + CompactTurnFormat.CLOSE;
        String answer = "</think> <answer>" + p.referenceAnswer() + "</answer>";
        Conversation trace = Conversation.of("user", p.question(), "assistant", call, "tool", p.referenceAnswer(),
                "assistant", answer);
        return new TaskPrompt(id, p.question(), p.referenceAnswer(),
                call + CompactTurnFormat.RESULT + p.referenceAnswer() + answer, null, trace);
    }
}
