package dev.aha.runtime.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.agent.CalculatorTool;
import dev.aha.runtime.task.ArithmeticProblem.Step;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ArithmeticToolTaskTest {

    private static final ArithmeticSettings HARD = new ArithmeticSettings(2, 3, 3, "+-*", false);
    private static final Pattern CALL = Pattern.compile("\\[calculator ([0-9+*-]+)\\]=(-?[0-9]+)");
    private static final Pattern CALLS = Pattern.compile("\\[calculator [0-9]+[+*-][0-9]+\\]=[0-9]+");

    @Test
    void theStepsOfAnExpressionComeInPrecedenceOrder() {
        assertEquals(List.of(new Step("345*678", 233910), new Step("12+233910", 233922)),
                ArithmeticProblem.parse("12+345*678").steps());
        assertEquals(List.of(new Step("900-12", 888), new Step("888+5", 893)),
                ArithmeticProblem.parse("900-12+5").steps());
        assertThrows(IllegalArgumentException.class, () -> ArithmeticProblem.parse("12+-3"));
    }

    @Test
    void everyCallIsOneTheCalculatorAnswersAndTheLastResultIsTheAnswer() throws Exception {
        PromptStream stream = new ArithmeticToolTask(HARD, true).trainStream(1);
        int calls = 0;
        for (int i = 0; i < 200; i++) {
            TaskPrompt p = stream.next();
            assertTrue(p.id().startsWith("arithmetic-tool/"), p.id());
            Matcher m = CALL.matcher(p.solution());
            String last = null;
            int here = 0;
            while (m.find()) {
                assertEquals(m.group(2), CalculatorTool.evaluate(m.group(1)).toString(), p.solution());
                last = m.group(2);
                here++;
            }
            assertEquals(p.question().split("[+*-]").length - 1, here, p.solution());
            assertEquals(p.referenceAnswer(), last, p.solution());
            assertEquals(p.referenceAnswer(), CalculatorTool.evaluate(p.question()).toString());
            assertEquals("<think>" + "X".repeat(here) + "</think> <answer>" + p.referenceAnswer() + "</answer>",
                    CALLS.matcher(p.solution()).replaceAll("X"), p.solution());
            List<String> roles = p.trace().messages().stream().map(r -> (String) r.get("role")).toList();
            assertEquals(2 + 2 * here, roles.size(), p.solution());
            assertEquals("assistant", roles.get(roles.size() - 1));
            calls += here;
        }
        assertTrue(calls > 200, "mixed operations take more than one call: " + calls);
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
