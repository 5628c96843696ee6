package dev.aha.runtime.reward;

import dev.aha.runtime.sandbox.Outcome;
import dev.aha.runtime.sandbox.OutcomeCounts;
import dev.aha.runtime.sandbox.Sandbox;
import dev.aha.runtime.sandbox.SandboxResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The accuracy reward of a code task: the completion's program ({@link CodeExtractor}) and the task's tests (the
 * prompt's reference, Python) run in the {@link Sandbox}; 1.0 when every test passes, else 0.0, or with
 * {@code partialCredit} the share of tests passed (a run that timed out, ran out of memory or was killed scores 0:
 * its counts are unknown). It is named {@value #NAME} so that everything reading a task's accuracy (metrics,
 * evaluation, rejection sampling) reads it for code tasks too.
 *
 * <p>Each call blocks for one sandboxed run (tens of milliseconds to the wall-time limit): callers on actor threads
 * run it through a {@link dev.aha.runtime.sandbox.CodeRunPool}. Thread-safe. Every completion's outcome class is
 * counted in this reward's {@link #outcomes()} (each run builds its own reward, so a run's summary reports its own
 * completions only) and returned by {@link #run}.
 *
 * <p>The same program against the same tests runs once: the last {@value #REMEMBERED} results are remembered, and a
 * repeat gets the first run's result. Tests and programs are deterministic code (a program that draws random
 * numbers or times itself would be judged by its first run); the saving is large where it matters, as a policy
 * that has learned a problem samples the same answer in most of its G completions. Only verdicts the program
 * decides are remembered (passed, failed, syntax error): a timeout, a memory kill or a kill may come from the load
 * on the machine at that moment, so the next identical program runs again.
 */
public final class CodeExecutionReward implements RewardFunction {

    public static final String NAME = AccuracyReward.NAME;

    /** A completion's score and how its run ended; {@code result} is empty when there was no program to run. */
    public record Scored(double score, Outcome outcome, Optional<SandboxResult> result) {}

    /** Programs judged lately: a group's samples, and an evaluation's k samples, are often the same text. */
    private static final int REMEMBERED = 1024;

    private record Run(String program, String tests) {}

    private final Sandbox sandbox;
    private final boolean partialCredit;
    private final OutcomeCounts outcomes = new OutcomeCounts();
    private final Map<Run, Scored> recent = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Run, Scored> eldest) {
            return size() > REMEMBERED;
        }
    });

    public CodeExecutionReward(Sandbox sandbox, boolean partialCredit) {
        this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
        this.partialCredit = partialCredit;
    }

    /** How the completions this reward judged ended, remembered results included. */
    public OutcomeCounts outcomes() {
        return outcomes;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RewardRange range() {
        return RewardRange.UNIT;
    }

    @Override
    public double score(RewardInput input) {
        return run(input).score();
    }

    /** Runs the completion's program against {@code input.referenceAnswer()}, the task's tests. */
    public Scored run(RewardInput input) {
        Optional<String> program = CodeExtractor.extract(input.completion());
        if (program.isEmpty() || input.referenceAnswer().isBlank()) {
            outcomes.add(Outcome.FAILED);
            return new Scored(0.0, Outcome.FAILED, Optional.empty());
        }
        Run run = new Run(program.get(), input.referenceAnswer());
        Scored known = recent.get(run);
        if (known != null) {
            outcomes.add(known.outcome());
            return known;
        }
        SandboxResult result = sandbox.run(run.program(), run.tests());
        double score = switch (result.outcome()) {
            case PASSED -> 1.0;
            case FAILED -> partialCredit ? result.fractionPassed() : 0.0;
            default -> 0.0;
        };
        outcomes.add(result.outcome());
        Scored scored = new Scored(score, result.outcome(), Optional.of(result));
        if (decidedByTheProgram(result.outcome())) {
            recent.put(run, scored);
        }
        return scored;
    }

    /** Whether running the same program again gives the same verdict, whatever else the machine is doing. */
    static boolean decidedByTheProgram(Outcome outcome) {
        return switch (outcome) {
            case PASSED, FAILED, SYNTAX_ERROR -> true;
            case TIMEOUT, MEMORY, KILLED -> false;
        };
    }
}
