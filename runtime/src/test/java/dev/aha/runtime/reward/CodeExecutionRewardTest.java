package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.sandbox.Outcome;
import dev.aha.runtime.sandbox.Sandbox;
import dev.aha.runtime.sandbox.SandboxFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The code reward: all or nothing, or partial credit; no program is a failure without a run. */
class CodeExecutionRewardTest {

    private static final String TESTS = "assert f(1) == 4\nassert f(2) == 5\nassert f(11) == 14\n";
    private static final Sandbox sandbox = SandboxFixtures.sandbox();

    private static RewardInput answer(String code) {
        return new RewardInput("f(1)=4 f(2)=5", "<think>4-1=3</think> <answer>" + code + "</answer>", TESTS);
    }

    @Test
    void shouldScoreOneWhenEveryTestPasses() {
        CodeExecutionReward reward = new CodeExecutionReward(sandbox, false);
        assertEquals(1.0, reward.score(answer("def f(x): return x+3")));
    }

    @Test
    void shouldScoreAllOrNothingOrTheSharePassed() {
        RewardInput memorised = answer("def f(x): return {1: 4, 2: 5}.get(x)");
        assertEquals(0.0, new CodeExecutionReward(sandbox, false).score(memorised));
        assertEquals(2.0 / 3, new CodeExecutionReward(sandbox, true).score(memorised), 1e-9);
    }

    @Test
    void shouldCountEachCompletionsOutcomeInItsOwnReward() {
        CodeExecutionReward reward = new CodeExecutionReward(sandbox, false);
        CodeExecutionReward other = new CodeExecutionReward(sandbox, false);
        reward.run(answer("def f(x) return x"));
        assertEquals(1, reward.outcomes().snapshot().get("syntax_error"));
        assertEquals(0, other.outcomes().snapshot().values().stream().mapToLong(Long::longValue).sum(),
                "another reward on the same sandbox (another run's) counted nothing");
    }

    @Test
    void shouldRunARepeatedProgramOnceAndCountEveryCompletion() {
        CodeExecutionReward reward = new CodeExecutionReward(sandbox, false);
        RewardInput input = answer("def f(x): return x+3  # repeated");
        CodeExecutionReward.Scored first = reward.run(input);
        CodeExecutionReward.Scored again = reward.run(input);
        assertTrue(first == again, "the remembered result, not a second run");
        assertEquals(2, reward.outcomes().snapshot().get("passed"));
        assertTrue(reward.run(answer("def f(x): return x+3  # other")) != first);
    }

    @Test
    void shouldGiveNoPartialCreditToARunThatWasKilled() {
        CodeExecutionReward.Scored s = new CodeExecutionReward(sandbox, true).run(answer("while True: pass"));
        assertEquals(Outcome.TIMEOUT, s.outcome());
        assertEquals(0.0, s.score());
    }

    /**
     * The program loops past the CPU limit when it starts before {@code t}, else passes: the same text is judged
     * TIMEOUT while the clock is early (a stand-in for a machine too loaded to finish it), then again, not from memory.
     */
    @Test
    void shouldRunAgainAProgramThatTimedOutAndRememberOnlyItsPass() throws InterruptedException {
        CodeExecutionReward reward = new CodeExecutionReward(sandbox, false);
        long t = System.currentTimeMillis() / 1000 + 3;
        RewardInput input = answer("import time\nif time.time() < " + t + ":\n    while True: pass\n"
                + "def f(x): return x+3");
        assertEquals(Outcome.TIMEOUT, reward.run(input).outcome());
        while (System.currentTimeMillis() / 1000 <= t) {
            Thread.sleep(100);
        }
        CodeExecutionReward.Scored passed = reward.run(input);
        assertEquals(Outcome.PASSED, passed.outcome(), "the timeout was not remembered: the program ran again");
        assertTrue(reward.run(input) == passed, "a pass is decided by the program: remembered");
        assertEquals(1, reward.outcomes().snapshot().get("timeout"));
        assertEquals(2, reward.outcomes().snapshot().get("passed"));
    }

    @Test
    void shouldRememberOnlyVerdictsTheProgramDecides() {
        for (Outcome o : Outcome.values()) {
            boolean loadDependent = o == Outcome.TIMEOUT || o == Outcome.MEMORY || o == Outcome.KILLED;
            assertEquals(!loadDependent, CodeExecutionReward.decidedByTheProgram(o), o.label());
        }
    }

    @Test
    void shouldFailWithoutRunningWhenThereIsNoProgramOrNoTests() {
        CodeExecutionReward reward = new CodeExecutionReward(sandbox, true);
        CodeExecutionReward.Scored none = reward.run(new RewardInput("", "def f(x): return x+3", TESTS));
        assertEquals(Outcome.FAILED, none.outcome());
        assertTrue(none.result().isEmpty(), "nothing ran");
        CodeExecutionReward.Scored untested = reward.run(new RewardInput("", "<answer>x = 1</answer>", " "));
        assertEquals(Outcome.FAILED, untested.outcome());
        assertTrue(untested.result().isEmpty(), "nothing ran");
    }

    @Test
    void shouldRunTheCodeOnceWhenTheCompositeIsGivenItsScore() {
        CodeExecutionReward code = new CodeExecutionReward(sandbox, false);
        CompositeReward composite = new CompositeReward(List.of(new WeightedReward(code, 1.0),
                new WeightedReward(new FormatReward(), 0.2)));
        RewardInput input = answer("def f(x): return x+3");
        RewardBreakdown given = composite.evaluateWith(input, code, 1.0);
        assertEquals(composite.evaluate(input), given);
        assertEquals(1.2, given.total(), 1e-9);
        assertThrows(IllegalArgumentException.class,
                () -> composite.evaluateWith(input, new CodeExecutionReward(sandbox, false), 1.0));
    }

    @Test
    void shouldBuildTheCodeCompositeFromSettings() {
        RewardSettings settings = new RewardSettings(1.0, 0.2, 0.0, TargetScript.LATIN, ExtractMode.STRICT, false);
        CompositeReward composite = settings.composeForCode(sandbox);
        assertTrue(composite.parts().get(0).function() instanceof CodeExecutionReward);
        assertEquals(AccuracyReward.NAME, composite.parts().get(0).function().name());
        assertEquals(1.2, composite.score(answer("def f(x): return x+3")), 1e-9);
    }
}
