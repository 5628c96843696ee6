package dev.aha.runtime.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.agent.CalculatorTool;
import dev.aha.runtime.agent.Tool;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArithmeticToolTaskTest {

    private static final ArithmeticSettings HARD = new ArithmeticSettings(2, 3, 3, "+-*", false);

    @Test
    void itsWorkedSolutionsCallTheCalculatorOnceOrStepByStepOnAns() throws Exception {
        PromptStream stream = new ArithmeticToolTask(HARD, true).trainStream(1);
        int threeOperands = 0;
        int stepwise = 0;
        for (int i = 0; i < 400; i++) {
            TaskPrompt p = stream.next();
            assertTrue(p.id().startsWith("arithmetic-tool/"), p.id());
            String answer = "</think> <answer>" + p.referenceAnswer() + "</answer>";
            List<ArithmeticToolTask.Step> steps = ArithmeticToolTask.steps(p);
            boolean three = p.question().split("[-+*]").length == 3;
            threeOperands += three ? 1 : 0;
            if (steps.size() == 1) {
                assertEquals("<think>[calculator " + p.question() + "]=" + p.referenceAnswer() + answer,
                        p.solution());
                continue;
            }
            stepwise++;
            assertTrue(three, p.question());
            // What the calculator of one episode answers, call after call, is the trace's observations.
            Tool calculator = new CalculatorTool().forEpisode();
            ObjectMapper json = new ObjectMapper();
            StringBuilder trace = new StringBuilder("<think>");
            for (ArithmeticToolTask.Step step : steps) {
                String result = calculator.call(json.createObjectNode().put("expression", step.expression()));
                assertEquals(step.result(), result, p.question());
                trace.append("[calculator ").append(step.expression()).append("]=").append(result);
            }
            assertTrue(steps.get(1).expression().contains("ans"), steps.toString());
            assertEquals(p.referenceAnswer(), steps.get(1).result());
            assertEquals(trace + answer, p.solution());
            assertEquals(6, p.trace().messages().size(), p.trace().toString());
        }
        assertTrue(stepwise > threeOperands / 3 && stepwise < threeOperands * 2 / 3, stepwise + " of " + threeOperands);
    }

    @ParameterizedTest
    @CsvSource({"12+345*678,345*678,12+ans", "345*678-12,345*678,ans-12", "12*34*56,12*34,ans*56",
        "900-12-34,900-12,ans-34", "900-12*34,12*34,900-ans"})
    void aStepwiseSolutionTakesTheStepPrecedenceTakesFirst(String question, String first, String second) {
        TaskPrompt p = new TaskPrompt("arithmetic/" + question, question, "0", "");
        if (ArithmeticToolTask.stepwise(question)) {
            assertEquals(List.of(first, second),
                    ArithmeticToolTask.steps(p).stream().map(ArithmeticToolTask.Step::expression).toList());
        } else {
            assertEquals(List.of(question),
                    ArithmeticToolTask.steps(p).stream().map(ArithmeticToolTask.Step::expression).toList());
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
