package dev.aha.runtime.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.agent.CalculatorTool;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArithmeticToolTaskTest {

    private static final ArithmeticSettings HARD = new ArithmeticSettings(2, 3, 3, "+-*", false);

    @Test
    void itsWorkedSolutionsCallTheCalculatorOnTheWholeExpression() throws Exception {
        PromptStream stream = new ArithmeticToolTask(HARD, true).trainStream(1);
        for (int i = 0; i < 50; i++) {
            TaskPrompt p = stream.next();
            assertTrue(p.id().startsWith("arithmetic-tool/"), p.id());
            assertEquals("<think>[calculator " + p.question() + "]=" + p.referenceAnswer() + "</think> <answer>"
                    + p.referenceAnswer() + "</answer>", p.solution());
            assertEquals(p.referenceAnswer(), CalculatorTool.evaluate(p.question()).toString());
        }
    }

    @Test
    void withToolsOffItsSolutionsWorkTheStepsInTheHead() {
        TaskPrompt p = new ArithmeticToolTask(HARD, false).trainStream(1).next();
        assertFalse(p.solution().contains("[calculator"), p.solution());
        assertTrue(p.solution().endsWith("<answer>" + p.referenceAnswer() + "</answer>"), p.solution());
    }

    @Test
    void theHeldOutSplitIsDisjointFromTraining() {
        ArithmeticToolTask task = new ArithmeticToolTask(HARD, true);
        List<TaskPrompt> heldOut = task.heldOut(100);
        Set<String> held = new HashSet<>();
        heldOut.forEach(p -> held.add(p.question()));
        PromptStream train = task.trainStream(3);
        for (int i = 0; i < 2000; i++) {
            assertFalse(held.contains(train.next().question()));
        }
    }
}
