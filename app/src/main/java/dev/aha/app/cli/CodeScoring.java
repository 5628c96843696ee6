package dev.aha.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.reward.CodeExecutionReward;
import dev.aha.runtime.reward.CompositeReward;
import dev.aha.runtime.reward.RewardBreakdown;
import dev.aha.runtime.reward.RewardInput;
import dev.aha.runtime.sandbox.CodeRunPool;
import dev.aha.runtime.sandbox.Outcome;
import dev.aha.runtime.sandbox.SandboxResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code aha score} for code tasks: each completion's program runs against its tests on the code-run pool
 * ({@code aha.sandbox.max-concurrent} sandboxes at once), and the lines are written in input order with their
 * outcome class. At most the pool's queue of runs is in flight, so a file of any length takes bounded memory.
 */
final class CodeScoring implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line to score: where it came from, its id (may be null), the completion and the tests. */
    record Line(int number, String id, String completion, String tests) {}

    private record Pending(Line line, CompletableFuture<Scored> result) {}

    private record Scored(RewardBreakdown breakdown, CodeExecutionReward.Scored code) {}

    private final CompositeReward reward;
    private final CodeExecutionReward code;
    private final CodeRunPool pool;
    private final int window;
    private final Writer out;
    private final Deque<Pending> inFlight = new ArrayDeque<>();
    private final Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    private int lines;
    private int passed;
    private double rewardSum;

    CodeScoring(CompositeReward reward, CodeRunPool pool, int window, Writer out) {
        this.reward = reward;
        this.code = reward.parts().stream().map(p -> p.function()).filter(CodeExecutionReward.class::isInstance)
                .map(CodeExecutionReward.class::cast).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a code reward: " + reward.parts()));
        this.pool = pool;
        this.window = window;
        this.out = out;
    }

    /** Queues a line; writes the oldest first when the window is full. */
    void add(Line line) {
        if (inFlight.size() >= window) {
            writeOldest();
        }
        RewardInput input = new RewardInput("", line.completion(), line.tests());
        // The sandboxed run once, then the other parts (format) on its result: the program must not run twice.
        inFlight.add(new Pending(line, pool.submit(() -> {
            CodeExecutionReward.Scored scored = code.run(input);
            return new Scored(reward.evaluateWith(input, code, scored.score()), scored);
        })));
    }

    /** Writes what is still in flight. */
    void finish() {
        while (!inFlight.isEmpty()) {
            writeOldest();
        }
    }

    private void writeOldest() {
        Pending p = inFlight.poll();
        Scored s = p.result().join();
        ObjectNode json = JSON.createObjectNode();
        json.put("line", p.line().number());
        if (p.line().id() != null) {
            json.put("id", p.line().id());
        }
        for (Map.Entry<String, Double> c : s.breakdown().components().entrySet()) {
            json.put(c.getKey(), c.getValue());
        }
        json.put("reward", s.breakdown().total());
        json.put("outcome", s.code().outcome().label());
        s.code().result().ifPresent(r -> {
            json.put("tests_passed", r.testsPassed());
            json.put("tests", r.tests());
            json.put("millis", r.wallNanos() / 1_000_000);
        });
        if (s.code().outcome() != Outcome.PASSED) {
            json.put("output", s.code().result().map(SandboxResult::output).map(CodeScoring::tail).orElse(""));
        }
        try {
            out.write(JSON.writeValueAsString(json));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lines++;
        passed += s.code().outcome() == Outcome.PASSED ? 1 : 0;
        rewardSum += s.breakdown().total();
        outcomes.merge(s.code().outcome(), 1, Integer::sum);
    }

    /** The last lines of a run's output: where a traceback ends. */
    private static String tail(String output) {
        return output.length() <= 600 ? output : "..." + output.substring(output.length() - 600);
    }

    int lines() {
        return lines;
    }

    int passed() {
        return passed;
    }

    double meanReward() {
        return lines == 0 ? 0 : rewardSum / lines;
    }

    /** Outcome label to count, in the enum's order. */
    String outcomes() {
        StringBuilder b = new StringBuilder();
        outcomes.forEach((o, n) -> b.append(b.length() == 0 ? "" : ", ").append(o.label()).append(' ').append(n));
        return b.toString();
    }

    @Override
    public void close() {
        pool.close();
    }
}
