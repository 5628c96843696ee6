package dev.aha.runtime.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.SlotCache;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.EpisodeOutcome;
import dev.aha.runtime.sampling.SamplingSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Episodes in the continuous batcher: turns handed out, observations taken back, others decoding meanwhile. */
class MultiTurnBatcherTest {

    private static final int[] PROMPT = {5, 9, 14, 3};
    private static final int[] OBSERVATION = {50, 51};

    private NDManager base;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        base.close();
    }

    /** Every third token ends a turn; it answers each with {@link #OBSERVATION} after a delay, the third by ending. */
    private static final class Scripted implements TurnPartner {
        final long delayMillis;
        final boolean fail;
        int tokens;
        int turns;

        Scripted(long delayMillis, boolean fail) {
            this.delayMillis = delayMillis;
            this.fail = fail;
        }

        @Override
        public boolean endsTurn(int token) {
            return ++tokens % 3 == 0;
        }

        @Override
        public CompletableFuture<TurnReply> reply(int[] turn, boolean endedOnEndToken, int trajectoryLength) {
            int turn0 = turns++;
            return CompletableFuture.supplyAsync(() -> {
                if (fail) {
                    throw new IllegalStateException("the environment broke");
                }
                return turn0 == 2 ? TurnReply.end(new EpisodeOutcome(1.0, 3, 0, 0, 0, EpisodeOutcome.End.ANSWERED))
                        : TurnReply.observe(OBSERVATION);
            }, CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS));
        }

        @Override
        public EpisodeOutcome cut(EpisodeOutcome.End end, boolean midTurn) {
            return new EpisodeOutcome(Double.NaN, turns, 0, 0, 0, end);
        }
    }

    private Policy policy() {
        return new GptFactory(GptConfig.tiny(64)).create(base);
    }

    private ContinuousBatcher<Integer> batcher(Policy policy, int slots, int capacity, int maxNew) {
        NDManager engine = base.newSubManager();
        SlotCache cache = SlotCache.allocate(engine, policy.kvShape(), slots, capacity, DataType.FLOAT32);
        // The end id lies past the vocabulary limit, so it is never drawn: the scripted turns end on their count.
        return new ContinuousBatcher<>(policy, cache, engine, new SamplingSettings(1f, 1f, maxNew), 63,
                new int[] {63});
    }

    @Test
    void anEpisodeTakesItsObservationsWhileOtherSequencesKeepDecoding() {
        try (Policy policy = policy(); ContinuousBatcher<Integer> batcher = batcher(policy, 4, 48, 30)) {
            batcher.admit(0, PROMPT, 2, 7L, List.of(new Scripted(40, false), new Scripted(40, false)));
            batcher.admit(1, new int[] {8, 8, 2}, 2, 3L);
            assertEquals(0, batcher.freeSlots());
            Map<Integer, List<Completion>> done = new HashMap<>();
            int stepsWhileWaiting = 0;
            while (!batcher.idle()) {
                boolean waiting = batcher.waitingEpisodes() > 0 && batcher.activeSequences() > 0;
                batcher.step().forEach(f -> done.put(f.key(), f.completions()));
                stepsWhileWaiting += waiting ? 1 : 0;
                assertTrue(batcher.freeSlots() >= 0);
                if (done.containsKey(1)) {
                    assertTrue(batcher.freeSlots() >= 2 || done.containsKey(0), "the other group's slots are freed");
                }
            }
            assertTrue(stepsWhileWaiting > 0, "others decode while an episode waits on its environment");
            for (Completion c : done.get(0)) {
                assertEquals(13, c.length(), "three turns of 3 and two observations of 2");
                boolean[] expected = {true, true, true, false, false, true, true, true, false, false, true, true, true};
                assertArrayEquals(expected, c.policyTokens());
                assertArrayEquals(OBSERVATION, java.util.Arrays.copyOfRange(c.tokens(), 3, 5));
                assertEquals(0f, c.logProbs()[3]);
                assertEquals(EpisodeOutcome.End.ANSWERED, c.episode().end());
                assertTrue(c.finished());
                assertBehaviourLogProbsMatch(policy, c);
            }
            assertEquals(4, batcher.freeSlots());
        }
    }

    /** What the engine recorded for each policy token is what the policy gives that token over the whole context. */
    private void assertBehaviourLogProbsMatch(Policy policy, Completion c) {
        int[] all = new int[PROMPT.length + c.length()];
        System.arraycopy(PROMPT, 0, all, 0, PROMPT.length);
        System.arraycopy(c.tokens(), 0, all, PROMPT.length, c.length());
        try (NDManager scope = base.newSubManager()) {
            // over the 63 ids the engine may draw (its vocabulary limit), as the engine normalises them
            NDArray logProbs = policy.logits(scope.create(all, new Shape(1, all.length)))
                    .get(new NDIndex("0, :, :63")).logSoftmax(-1);
            for (int i = 0; i < c.length(); i++) {
                if (c.isPolicyToken(i)) {
                    float expected = logProbs.getFloat(PROMPT.length - 1 + i, c.tokens()[i]);
                    assertEquals(expected, c.logProbs()[i], 2e-4f, "token " + i);
                }
            }
        }
    }

    @Test
    void anEnvironmentThatFailsEndsItsEpisodeAsAnError() {
        try (Policy policy = policy(); ContinuousBatcher<Integer> batcher = batcher(policy, 2, 48, 30)) {
            batcher.admit(0, PROMPT, 1, 7L, List.of(new Scripted(1, true)));
            List<Completion> done = drain(batcher).get(0);
            assertEquals(EpisodeOutcome.End.ERROR, done.get(0).episode().end());
            assertFalse(done.get(0).finished());
            assertEquals(3, done.get(0).length());
        }
    }

    @Test
    void anObservationPastTheContextCutsTheEpisode() {
        try (Policy policy = policy(); ContinuousBatcher<Integer> batcher = batcher(policy, 2, 12, 30)) {
            batcher.admit(0, PROMPT, 1, 7L, List.of(new Scripted(1, false)));
            Completion c = drain(batcher).get(0).get(0);
            assertEquals(EpisodeOutcome.End.MAX_TOKENS, c.episode().end());
            assertTrue(PROMPT.length + c.length() <= 12, "never past the slot's capacity");
        }
    }

    @Test
    void abandoningDropsWaitingEpisodesAndIgnoresTheirLateAnswers() throws InterruptedException {
        try (Policy policy = policy(); ContinuousBatcher<Integer> batcher = batcher(policy, 2, 48, 30)) {
            batcher.admit(0, PROMPT, 2, 7L, List.of(new Scripted(30, false), new Scripted(30, false)));
            while (batcher.waitingEpisodes() < 2) {
                batcher.step();
            }
            assertEquals(List.of(0), batcher.abandonAll());
            assertTrue(batcher.idle());
            assertEquals(2, batcher.freeSlots());
            Thread.sleep(60);
            assertTrue(batcher.step().isEmpty(), "late answers to dropped episodes are ignored");
            assertTrue(batcher.idle());
        }
    }

    private static Map<Integer, List<Completion>> drain(ContinuousBatcher<Integer> batcher) {
        Map<Integer, List<Completion>> done = new HashMap<>();
        while (!batcher.idle()) {
            batcher.step().forEach(f -> done.put(f.key(), new ArrayList<>(f.completions())));
        }
        return done;
    }
}
