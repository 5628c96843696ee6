package dev.aha.actors.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.aha.runtime.config.AhaConfig;
import dev.aha.runtime.reward.AccuracyReward;
import dev.aha.runtime.reward.RewardInput;
import dev.aha.runtime.sandbox.SandboxUnavailableException;
import dev.aha.runtime.testing.TestData;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** A run's live resources: opened from its settings, counted for that run alone, and gone after close. */
class RunResourcesTest {

    private static final String QWEN3 = TestData.tokenizer("qwen3").toString()
            .replace("\\", "/");
    private static final String TESTS = "assert f(1) == 4\n";

    private static RunConfig load(String overrides) {
        return RunConfig.from(ConfigFactory.parseString(overrides).withFallback(AhaConfig.load()).resolve());
    }

    private static RunConfig codeTask() {
        return load("aha.train.task = tinycode\naha.tokenizer = \"" + QWEN3 + "\"");
    }

    private static RewardInput program(String code) {
        return new RewardInput("f(1)=4", "<answer>" + code + "</answer>", TESTS);
    }

    private static long total(java.util.Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void closeReleasesTheTokenizerTheEvaluationThreadsAndTheSandbox() {
        RunResources run = RunResources.open(codeTask());
        assertTrue(run.tokenizer().encode("def f").length > 0);
        assertEquals(1.0, run.codeAccuracy().score(program("def f(x): return x+3")));
        assertEquals(42, run.evaluationPool().submit(() -> 42).join());

        run.close();
        assertThrows(IllegalStateException.class, () -> run.tokenizer().encode("def f"), "the native tokenizer");
        CompletionException refused = assertThrows(CompletionException.class,
                () -> run.evaluationPool().submit(() -> 42).join());
        assertInstanceOf(RejectedExecutionException.class, refused.getCause(), "the evaluation threads");
        IllegalStateException sandbox = assertThrows(IllegalStateException.class,
                () -> run.codeAccuracy().score(program("def f(x): return x+4")));
        assertEquals("the sandbox is closed", sandbox.getMessage());
        run.close(); // a second close does nothing
    }

    @Test
    void eachRunCountsItsOwnProgramsAndItsEvaluationsApart() {
        RunConfig config = codeTask();
        try (RunResources first = RunResources.open(config); RunResources second = RunResources.open(config)) {
            first.rewards().score(program("def f(x): return x+3"));
            first.rewards().score(program("def f(x) return x"));
            first.codeAccuracy().score(program("def f(x): return x+3"));
            assertEquals(1, first.codeOutcomes().get("passed"));
            assertEquals(1, first.codeOutcomes().get("syntax_error"));
            assertEquals(2, total(first.codeOutcomes()), "the evaluation's program is not training's");
            assertEquals(1, total(first.evaluationCodeOutcomes()));
            assertEquals(0, total(second.codeOutcomes()), "another run in the same JVM counted nothing");
            assertEquals(0, total(second.evaluationCodeOutcomes()));
        }
    }

    @Test
    void aTaskJudgedByItsAnswerHasNoSandbox() {
        try (RunResources run = RunResources.open(load(""))) {
            assertNull(run.codeAccuracy());
            assertNull(run.evaluationPool());
            assertNull(run.codeOutcomes());
            assertInstanceOf(AccuracyReward.class, run.rewards().parts().get(0).function());
        }
    }

    /** The settings load without a sandbox (they hold nothing live); opening the run's resources needs one. */
    @Test
    void aSandboxThatCannotStartFailsTheOpenNotTheSettings() {
        RunConfig config = load("aha.train.task = tinycode\naha.sandbox.bubblewrap = /nonexistent/bwrap");
        SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class,
                () -> RunResources.open(config));
        assertTrue(e.getMessage().startsWith("/nonexistent/bwrap (aha.sandbox.bubblewrap) is not installed"),
                e.getMessage());
    }
}
