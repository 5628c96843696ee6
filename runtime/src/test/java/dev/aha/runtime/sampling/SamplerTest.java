package dev.aha.runtime.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final CharTokenizer TOKENIZER = new CharTokenizer();
    private static final int[] PROMPT = TOKENIZER.encode("What is 2+3?");

    private NDManager base;
    private GptPolicy policy;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
        policy = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
    }

    @AfterEach
    void tearDown() {
        policy.close();
        base.close();
    }

    @Test
    void shouldRecordBehaviourLogProbsThatTheLearnersForwardReproduces() {
        float temperature = 0.8f;
        Sampler sampler = new Sampler(policy, new SamplingSettings(temperature, 1f, 24), TOKENIZER.endId());
        List<Completion> group = sampler.sampleGroup(PROMPT, 4, new Random(1));
        assertEquals(4, group.size());
        for (Completion c : group) {
            int[] sequence = concat(PROMPT, c.tokens());
            try (NDManager scope = base.newSubManager()) {
                float[] all = policy.tokenLogProbs(scope.create(sequence, new Shape(1, sequence.length)), temperature)
                        .toFloatArray();
                float[] completionPart = java.util.Arrays.copyOfRange(all, PROMPT.length - 1, all.length);
                assertArrayEquals(completionPart, c.logProbs(), 2e-4f);
            }
        }
    }

    @Test
    void shouldBeReproducibleForOneSeedAndDifferAcrossSeeds() {
        Sampler sampler = new Sampler(policy, new SamplingSettings(1f, 1f, 16), TOKENIZER.endId());
        List<Completion> a = sampler.sampleGroup(PROMPT, 3, new Random(42));
        List<Completion> b = sampler.sampleGroup(PROMPT, 3, new Random(42));
        List<Completion> c = sampler.sampleGroup(PROMPT, 3, new Random(43));
        for (int g = 0; g < 3; g++) {
            assertArrayEquals(a.get(g).tokens(), b.get(g).tokens());
        }
        assertNotEquals(java.util.Arrays.toString(a.get(0).tokens()), java.util.Arrays.toString(c.get(0).tokens()));
    }

    @Test
    void shouldStopAtTheLengthLimitOrAfterTheEndToken() {
        Sampler sampler = new Sampler(policy, new SamplingSettings(1.5f, 1f, 10), TOKENIZER.endId());
        for (Completion c : sampler.sampleGroup(PROMPT, 8, new Random(5))) {
            assertTrue(c.length() >= 1 && c.length() <= 10);
            for (int i = 0; i < c.length() - 1; i++) {
                assertNotEquals(TOKENIZER.endId(), c.tokens()[i], "end token inside a completion");
            }
            assertEquals(c.finished(), c.tokens()[c.length() - 1] == TOKENIZER.endId());
            if (!c.finished()) {
                assertEquals(10, c.length());
            }
        }
    }

    @Test
    void shouldDecodeGreedilyAtTemperatureZeroAndWithATinyNucleus() {
        Sampler greedy = new Sampler(policy, new SamplingSettings(0f, 1f, 12), TOKENIZER.endId());
        Sampler nucleus = new Sampler(policy, new SamplingSettings(1f, 1e-6f, 12), TOKENIZER.endId());
        List<Completion> g = greedy.sampleGroup(PROMPT, 2, new Random(1));
        List<Completion> n = nucleus.sampleGroup(PROMPT, 2, new Random(2));
        assertArrayEquals(g.get(0).tokens(), g.get(1).tokens());
        assertArrayEquals(g.get(0).tokens(), n.get(0).tokens());
    }

    @Test
    void shouldNeverLeaveTheNucleus() {
        // With top-p 0.5 on a fresh model, every drawn token must lie in the top-p set; check the recorded log-prob
        // is at least that of the least likely token the nucleus can hold: the draws differ from full sampling.
        Sampler full = new Sampler(policy, new SamplingSettings(1f, 1f, 20), TOKENIZER.endId());
        Sampler half = new Sampler(policy, new SamplingSettings(1f, 0.5f, 20), TOKENIZER.endId());
        double fullMean = meanLogProb(full.sampleGroup(PROMPT, 16, new Random(3)));
        double halfMean = meanLogProb(half.sampleGroup(PROMPT, 16, new Random(3)));
        assertTrue(halfMean > fullMean, "nucleus draws should be likelier: " + halfMean + " vs " + fullMean);
    }

    /** An output layer wider than the tokenizer (Qwen's padded rows) never yields an id the tokenizer lacks. */
    @Test
    void shouldNeverDrawPastTheTokenizersIds() {
        int limit = 12;
        Sampler narrow = new Sampler(policy, new SamplingSettings(3f, 1f, 30), limit, new int[] {TOKENIZER.endId()});
        for (var c : narrow.sampleGroup(PROMPT, 16, new Random(4))) {
            for (int t : c.tokens()) {
                assertTrue(t < limit, "drew " + t + " past the limit " + limit);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Sampler(policy, new SamplingSettings(1f, 1f, 4),
                policy.vocabSize() + 1, new int[] {1}));
    }

    @Test
    void shouldRejectBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(-1f, 1f, 4));
        assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(1f, 0f, 4));
        assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(1f, 1f, 0));
        Sampler sampler = new Sampler(policy, new SamplingSettings(1f, 1f, 4), TOKENIZER.endId());
        assertThrows(IllegalArgumentException.class, () -> sampler.sampleGroup(new int[0], 2, new Random()));
        int[] tooLong = new int[policy.config().contextLength()];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sampler.sampleGroup(tooLong, 2, new Random()));
        assertFalse(e.getMessage().isEmpty());
    }

    private static double meanLogProb(List<Completion> group) {
        double sum = 0;
        int n = 0;
        for (Completion c : group) {
            for (float lp : c.logProbs()) {
                sum += lp;
                n++;
            }
        }
        return sum / n;
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
