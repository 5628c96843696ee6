package dev.aha.runtime.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.rejection.RejectionSampler;
import dev.aha.runtime.rejection.SampleRecord;
import dev.aha.runtime.reward.CodeExecutionReward;
import dev.aha.runtime.reward.ExtractMode;
import dev.aha.runtime.reward.RewardSettings;
import dev.aha.runtime.reward.TargetScript;
import dev.aha.runtime.reward.RewardInput;
import dev.aha.runtime.sandbox.Sandbox;
import dev.aha.runtime.sandbox.SandboxFixtures;
import dev.aha.runtime.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tinycode and HumanEval as tasks: their worked solutions pass their own tests in the sandbox. */
class CodeTasksTest {

    private static final Sandbox sandbox = SandboxFixtures.sandbox();
    private static final CodeExecutionReward reward = new CodeExecutionReward(sandbox, false);

    @Test
    void shouldPassTinycodesWorkedSolutionsAndFailAMemorisingOne() {
        TinyCodeTask task = new TinyCodeTask();
        PromptStream stream = task.trainStream(3);
        for (int i = 0; i < 6; i++) {
            TaskPrompt p = stream.next();
            assertTrue(p.solution().length() < 64, "fits max-new-tokens with its end token: " + p.solution());
            CodeExecutionReward.Scored right = reward.run(new RewardInput(p.question(), p.solution(),
                    p.referenceAnswer()));
            assertEquals(1.0, right.score(), p.solution() + " " + right);
            String[] examples = p.question().split(" ");
            String memorised = "<answer>def f(x): return {" + examples[0].replace("f(", "").replace(")=", ": ")
                    + ", " + examples[1].replace("f(", "").replace(")=", ": ") + "}.get(x)</answer>";
            assertEquals(0.0, reward.score(new RewardInput(p.question(), memorised, p.referenceAnswer())), memorised);
        }
    }

    @Test
    void shouldKeepACorrectProgramInRejectionSampling() {
        RewardSettings settings = new RewardSettings(1.0, 0.2, 0.0, TargetScript.LATIN, ExtractMode.STRICT, false);
        RejectionSampler.Scorer scorer = new RejectionSampler.Scorer(settings, settings.composeForCode(sandbox), 0.0,
                2, 0);
        TaskPrompt p = new TinyCodeTask().heldOut(1).get(0);
        SampleRecord right = scorer.score(p, p.question(), 0, p.solution(), p.solution().length(), false);
        SampleRecord wrong = scorer.score(p, p.question(), 1, p.solution().replace("return ", "return 1+"), 10, false);
        assertTrue(right.correct() && right.wellFormed(), right.toString());
        assertFalse(wrong.correct(), wrong.toString());
    }

    @Test
    void shouldHoldOutTinycodeProblemsTrainingNeverSees() {
        TinyCodeTask task = new TinyCodeTask();
        List<TaskPrompt> held = task.heldOut(200);
        assertEquals(200, new HashSet<>(held.stream().map(TaskPrompt::question).toList()).size());
        assertEquals(held, task.heldOut(200), "deterministic");
        Set<String> heldQuestions = new HashSet<>(held.stream().map(TaskPrompt::question).toList());
        PromptStream stream = task.trainStream(1);
        for (int i = 0; i < 2000; i++) {
            assertFalse(heldQuestions.contains(stream.next().question()));
        }
    }

    @Test
    void shouldReadHumanEvalWithItsTestsAsTheReference() {
        JsonlTask task = JsonlTask.humanEval("humaneval", TestData.humanEval(),
                null, BadLinePolicy.STOP);
        assertEquals(164, task.trainSize() + task.heldOutSize());
        TaskPrompt p = task.heldOut(1).get(0);
        assertTrue(p.id().startsWith("humaneval/HumanEval/"), p.id());
        assertTrue(p.referenceAnswer().contains("def check(candidate)"), p.referenceAnswer());
        assertTrue(p.referenceAnswer().strip().endsWith(")") && p.referenceAnswer().contains("\ncheck("));
        assertEquals(1.0, reward.score(new RewardInput(p.question(), p.solution(), p.referenceAnswer())),
                p.solution());
    }

    @Test
    void shouldRefuseAnEntryPointThatIsNotAnIdentifier(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.jsonl"), "{\"prompt\": \"def f(): pass\\n\", "
                + "\"test\": \"def check(c): pass\", \"entry_point\": \"f); import os; (\"}\n");
        JsonlFormatException e = assertThrows(JsonlFormatException.class,
                () -> JsonlTask.humanEval("humaneval", file, null, BadLinePolicy.STOP));
        assertTrue(e.getMessage().contains("must be a Python identifier"), e.getMessage());
    }

    @Test
    void shouldKnowTheCodeTasks() {
        assertTrue(Tasks.isCode("humaneval") && Tasks.isCode("tinycode"));
        assertFalse(Tasks.isCode("arithmetic"));
        assertEquals("assert f(1) == 2\n", Tasks.referenceAnswer("tinycode", "assert f(1) == 2\n"));
    }
}
