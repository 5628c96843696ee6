package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.pipeline.PipelineFixture;
import dev.aha.app.recipe.Configs;
import dev.aha.app.recipe.TeacherSamples;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.policy.Policies;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.rejection.PromptSelection;
import dev.aha.runtime.task.ArithmeticTask;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** aha distill as a user runs it: a tiny teacher, a smaller student, everything in the --out folder. */
class DistillCommandTest {

    private static final String STUDENT = "aha.policy { model-dim = 16, layers = 1, heads = 2 }\n";

    @Test
    void aSmallerStudentGetsACheckpointOfItsOwnSize(@TempDir Path dir) throws Exception {
        Path tiny = Files.writeString(dir.resolve("tiny.conf"), PipelineFixture.TINY);
        Path teacher = dir.resolve("teacher");
        CommandRun sft = CommandRun.of("sft", "--task", "arithmetic", "--steps", "2", "--config", tiny.toString(),
                "--out", teacher.toString());
        assertEquals(0, sft.code(), sft.err());
        Path student = Files.writeString(dir.resolve("student.conf"), STUDENT);
        Path out = dir.resolve("distill");
        // the teacher's first 3 prompts were sampled before a kill; the run continues with the last 3
        RunConfig teacherConfig = PipelineFixture.config("");
        List<TaskPrompt> prompts = PromptSelection.select(new ArithmeticTask(teacherConfig.arithmetic()),
                PromptSelection.Split.TRAIN, 6, 3);
        TeacherSamples.prefill(out.resolve("samples/samples.jsonl"), teacherConfig, prompts.subList(0, 3), 2, 0);

        CommandRun r = CommandRun.of("distill", "--teacher", teacher.toString(), "--student", student.toString(),
                "--task", "arithmetic", "--config", tiny.toString(), "--prompts", "6", "--k", "2", "--seed", "3",
                "--steps", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("continuing"), "the killed sampling continued: " + r.err());
        assertEquals(12, Files.readAllLines(out.resolve("samples/samples.jsonl")).size(), "6 prompts x 2");
        List<String> kept = Files.readAllLines(out.resolve("sft-data/kept.jsonl"));
        assertTrue(kept.size() >= 3, "the 3 prompts' worked solutions (a group's duplicates dropped): " + kept.size());
        assertTrue(Files.isRegularFile(out.resolve("sft-data/kept.jsonl.stats.json")));

        JsonNode summary = MetricsLog.JSON.readTree(out.resolve("distill.json").toFile());
        assertEquals(16, summary.path("student_policy").path("model_dim").asInt());
        assertEquals(32, summary.path("teacher_policy").path("model_dim").asInt());
        assertTrue(summary.path("student_parameters").asLong() < summary.path("teacher_parameters").asLong());
        assertTrue(summary.has("student_eval"), "the student was evaluated");

        Path checkpoint = CheckpointStore.resolve(out.resolve("student"));
        JsonNode described = CheckpointStore.policyDescription(checkpoint).orElseThrow();
        assertEquals(16, described.path("model_dim").asInt());
        assertEquals(1, described.path("layers").asInt());
        // the checkpoint loads into a policy of the student's size, and only into one
        ComputeThreads.prepare(1);
        RunConfig studentConfig = Configs.load(ConfigFactory.parseString(STUDENT + PipelineFixture.TINY
                .replace("model-dim = 32", "model-dim = 16")), Map.of());
        try (NDManager m = NDManager.newBaseManager();
                Policy p = Policies.fromDescription(described.deepCopy()).blank(m)) {
            CheckpointStore.load(checkpoint, p, null);
            assertEquals(studentConfig.policy().layout().totalElements(), p.layout().totalElements());
        }
        assertTrue(studentConfig.policy().layout().totalElements()
                < teacherConfig.policy().layout().totalElements());
    }

    @Test
    void aStudentWithAnotherTokenizerIsRefused(@TempDir Path dir) throws Exception {
        Path teacher = oneStepTeacher(dir);
        Path qwen = TestData.tokenizer("qwen3");
        Path student = Files.writeString(dir.resolve("student.conf"), STUDENT + "aha.tokenizer = \"" + qwen + "\"\n");
        CommandRun r = CommandRun.of("distill", "--teacher", teacher.toString(), "--student", student.toString(),
                "--task", "arithmetic", "--prompts", "2", "--out", dir.resolve("d").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("the student must share the teacher's tokenizer"), r.err());
        assertFalse(Files.exists(dir.resolve("d")), "nothing written");
    }

    @Test
    void aBudgetOfNoTimeIsRefusedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Path teacher = oneStepTeacher(dir);
        Path tiny = dir.resolve("tiny.conf");
        Path student = Files.writeString(dir.resolve("student.conf"), STUDENT);
        CommandRun r = CommandRun.of("distill", "--teacher", teacher.toString(), "--student", student.toString(),
                "--task", "arithmetic", "--config", tiny.toString(), "--prompts", "2", "--minutes", "0",
                "--out", dir.resolve("d").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("--minutes must be positive, was 0.0"), r.err());
        assertFalse(Files.exists(dir.resolve("d")), "nothing written");
    }

    /**
     * A Hugging Face student: a Qwen3 of half the teacher's width, its own copy of the teacher's tokenizer (the same
     * bytes: shared). The teacher's samples are all there already (a run killed after sampling), so the student
     * learns from the teacher's worked solutions in the teacher's chat format.
     */
    @Test
    void aHuggingFaceStudentSharingTheTokenizerIsFineTuned(@TempDir Path dir) throws Exception {
        Path tokenizer = TestData.tokenizer("qwen3");
        Path teacherModel = dir.resolve("q3-teacher");
        Path studentModel = dir.resolve("q3-student");
        for (Path model : List.of(teacherModel, studentModel)) {
            String hidden = model == teacherModel ? "32" : "16";
            CommandRun init = CommandRun.of("init-model", "--architecture", "qwen3", "--hidden", hidden, "--layers", "1",
                    "--heads", "2", "--kv-heads", "1", "--intermediate", "32", "--tokenizer", tokenizer.toString(),
                    "--seed", "3", "--out", model.toString());
            assertEquals(0, init.code(), init.err());
        }
        Path small = Files.writeString(dir.resolve("small.conf"), "aha.train.cold-start.batch-size = 2\n");
        Path teacher = dir.resolve("teacher");
        CommandRun sft = CommandRun.of("sft", "--model", teacherModel.toString(), "--task", "arithmetic", "--steps",
                "1", "--config", small.toString(), "--out", teacher.toString());
        assertEquals(0, sft.code(), sft.err());
        Path checkpoint = CheckpointStore.resolve(teacher);
        RunConfig teacherConfig = Configs.forCheckpoint(ConfigFactory.empty(), Map.of(), checkpoint);
        List<TaskPrompt> prompts = PromptSelection.select(new ArithmeticTask(teacherConfig.arithmetic()),
                PromptSelection.Split.TRAIN, 2, 5);
        Path out = dir.resolve("distill");
        TeacherSamples.prefill(out.resolve("samples/samples.jsonl"), teacherConfig, prompts, 2, 0);

        CommandRun r = CommandRun.of("distill", "--teacher", teacher.toString(), "--student", studentModel.toString(),
                "--task", "arithmetic", "--config", small.toString(), "--prompts", "2", "--k", "2", "--seed", "5",
                "--steps", "1", "--no-eval", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String kept = Files.readString(out.resolve("sft-data/kept.jsonl"));
        assertTrue(kept.contains("<|im_start|>user"), "the teacher's chat format: " + kept);
        JsonNode described = CheckpointStore.policyDescription(CheckpointStore.resolve(out.resolve("student")))
                .orElseThrow();
        assertEquals("hf", described.path("architecture").asText());
        assertEquals(16, described.path("config").path("hidden_size").asInt(), described.toString());
        assertFalse(MetricsLog.JSON.readTree(out.resolve("distill.json").toFile()).has("student_eval"), "--no-eval");
    }

    /** A tiny GPT after one SFT step, in DIR/teacher (its settings in DIR/tiny.conf). */
    private static Path oneStepTeacher(Path dir) throws Exception {
        Path tiny = Files.writeString(dir.resolve("tiny.conf"), PipelineFixture.TINY);
        Path teacher = dir.resolve("teacher");
        assertEquals(0, CommandRun.of("sft", "--task", "arithmetic", "--steps", "1", "--config", tiny.toString(),
                "--out", teacher.toString()).code());
        return teacher;
    }
}
