package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CodeExtractorTest {

    @Test
    void shouldTakeTheAnswerBlockStripped() {
        assertEquals(Optional.of("def f(x): return x+3\n"),
                CodeExtractor.extract("<think>7-4=3</think> <answer> def f(x): return x+3 </answer>"));
    }

    @Test
    void shouldTakeTheLastFenceInsideTheAnswer() {
        String completion = "<think>```python\nx = 1\n```</think> <answer>```python\ndef g():\n    return 2\n```</answer>";
        assertEquals(Optional.of("def g():\n    return 2\n"), CodeExtractor.extract(completion));
    }

    @Test
    void shouldTakeTheLastFenceWithoutAnAnswerBlock() {
        String completion = "Here:\n```py\nprint(1)\n```\nand better:\n```\nprint(2)\n```\n";
        assertEquals(Optional.of("print(2)\n"), CodeExtractor.extract(completion));
    }

    @Test
    void shouldFindNothingWithoutAnAnswerOrFence() {
        assertEquals(Optional.empty(), CodeExtractor.extract("def f(x): return x"));
        assertEquals(Optional.empty(), CodeExtractor.extract("<answer>   </answer>"));
        assertEquals(Optional.empty(), CodeExtractor.extract("inline ```code``` only"));
        assertEquals(Optional.empty(), CodeExtractor.extract("```not a tag!\nx\n```"));
        assertEquals(Optional.empty(), CodeExtractor.extract("```python\n```"));
    }

    @Test
    void shouldStayLinearOnADegenerateCompletion() {
        String degenerate = "<answer>".repeat(200_000) + "```".repeat(200_000);
        long start = System.nanoTime();
        CodeExtractor.extract(degenerate);
        assertEquals(true, System.nanoTime() - start < 2_000_000_000L);
    }
}
