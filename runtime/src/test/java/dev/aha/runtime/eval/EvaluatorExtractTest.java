package dev.aha.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.reward.ExtractMode;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.CharTokenizer;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The evaluator reads answers in its {@link ExtractMode}: the same completions, through the whole evaluation path
 * (sampling, decoding, pass@1, cons@k, greedy), score differently read strictly and flexibly.
 */
class EvaluatorExtractTest {

    private static final int K = 3;

    /**
     * What each prompt's completions decode to, in the order the evaluator decodes them: its K samples, then the
     * greedy decode. Strictly only the first has an answer, and a wrong one; flexibly two of three samples and the
     * greedy decode answer 18.
     */
    private static final List<String> SCRIPT = List.of(
            "<answer>7</answer>",
            "So 9 * 2 = 18.\nAnswer: 18",
            "She makes **$18** a day.",
            "9 * 2 = 18");

    private NDManager base;
    private GptPolicy policy;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
        policy = GptPolicy.create(GptConfig.tiny(new CharTokenizer().vocabSize()), base);
    }

    @AfterEach
    void tearDown() {
        policy.close();
        base.close();
    }

    @Test
    void strictCountsOnlyTheMarkedAnswer() {
        EvalResult r = evaluate(ExtractMode.STRICT);
        assertEquals(0.0, r.pass1(), 1e-12);
        assertEquals(0.0, r.consK(), 1e-12, "the only vote, 7, wins");
        assertEquals(0.0, r.greedyAccuracy(), 1e-12);
    }

    @Test
    void flexibleReadsAnswersAsRealModelsWriteThem() {
        EvalResult r = evaluate(ExtractMode.FLEXIBLE);
        assertEquals(2.0 / 3, r.pass1(), 1e-12);
        assertEquals(1.0, r.consK(), 1e-12, "18 outvotes 7, two to one");
        assertEquals(1.0, r.greedyAccuracy(), 1e-12);
        assertEquals(evaluate(ExtractMode.STRICT).formatRate(), r.formatRate(), 1e-12, "format is not extraction");
        assertEquals(r.pass1(), r.passAt(1), 1e-12, "the unbiased pass@1 is the mean share correct");
        assertEquals(1.0, r.passAt(3), 1e-12, "4 of 6 right: each prompt has a right one among its 3");
        assertEquals(0.0, evaluate(ExtractMode.STRICT).passAt(3), 1e-12);
    }

    @Test
    void withoutGreedyKeepsTheMode() {
        Evaluator flexible = evaluator(ExtractMode.FLEXIBLE).withoutGreedy();
        assertEquals(ExtractMode.FLEXIBLE, flexible.extract());
        EvalResult r = flexible.evaluate(prompts(), null);
        assertEquals(2.0 / 3, r.pass1(), 1e-12);
        assertEquals(1.0, r.consK(), 1e-12);
        assertEquals(Double.NaN, r.greedyAccuracy());
    }

    @Test
    void shouldRefuseNoMode() {
        assertThrows(NullPointerException.class, () -> evaluator(null));
    }

    private EvalResult evaluate(ExtractMode mode) {
        return evaluator(mode).evaluate(prompts(), null);
    }

    private Evaluator evaluator(ExtractMode mode) {
        return new Evaluator(policy, new ScriptedTokenizer(), PromptTemplate.of("Q: {question}\nA:"),
                new SamplingSettings(1f, 1f, 3), K, 5, mode);
    }

    private static List<TaskPrompt> prompts() {
        return List.of(new TaskPrompt("a", "9*2", "18", null), new TaskPrompt("b", "6*3", "18", null));
    }

    /**
     * Encodes as the character tokenizer does, so the policy samples as usual, but decodes every completion to the
     * script's next line, whatever was sampled: the completions the evaluator scores are known.
     */
    private static final class ScriptedTokenizer implements Tokenizer {
        private final CharTokenizer chars = new CharTokenizer();
        private int decoded;

        @Override
        public int vocabSize() {
            return chars.vocabSize();
        }

        @Override
        public int padId() {
            return chars.padId();
        }

        @Override
        public int endId() {
            return chars.endId();
        }

        @Override
        public int[] encode(String text) {
            return chars.encode(text);
        }

        @Override
        public String decode(int[] ids) {
            return SCRIPT.get(decoded++ % SCRIPT.size());
        }
    }
}
