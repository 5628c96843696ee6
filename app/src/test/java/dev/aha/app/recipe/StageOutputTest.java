package dev.aha.app.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.rejection.PromptSelection;
import dev.aha.runtime.rejection.RejectionSettings;
import dev.aha.runtime.rejection.RejectionStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What stages hand on survives a re-run: each kind's outputs read back from its stage.json as they were written, and
 * under the field names README and {@code aha bench distill-vs-rl} read.
 */
class StageOutputTest {

    private static final Sampling.Totals SAMPLED = new Sampling.Totals(4, 1, 6, 0.5, 0.75, 12.5, 0.125, 3.25);
    private static final Rejection REJECTION = new Rejection(new RejectionStats(6, 0, 2,
            ordered(Map.of("incorrect", 3L, "malformed", 1L)), 4, 2, 2, 1, 1, 2, 0),
            new RejectionSettings(1.0, 4, 0.5, 1, 100, 2, 1.0, 7));
    private static final SampleOutput SAMPLE = new SampleOutput(Path.of("03-rs/samples.jsonl"), 2,
            PromptSelection.Split.HELD_OUT, 11, SAMPLED);
    private static final RejectOutput REJECT = new RejectOutput(Path.of("03-rs/kept.jsonl"),
            Path.of("03-rs/kept.jsonl.stats.json"), REJECTION);

    static Stream<Arguments> outputs() {
        ObjectNode policy = MetricsLog.JSON.createObjectNode().put("architecture", "gpt").put("model_dim", 32);
        DistillSummary distilled = new DistillSummary(
                new DistillSummary.Model("/runs/r1/05-final-rl/checkpoints/step-000040", policy, 84_000),
                new DistillSummary.Model("{\"aha\":{\"policy\":{\"model-dim\":16}}}", policy.deepCopy()
                        .put("model_dim", 16), 12_000), 4, 12, Path.of("06-distill/samples/samples.jsonl"), SAMPLED,
                Path.of("06-distill/sft-data/kept.jsonl"), REJECTION,
                Path.of("06-distill/student/step-000002"), new SftFigures(2, 1.25f, 0.5),
                new EvalResult(4, 2, 0.25, Double.NaN, 0.5, 1.0, 9.5));
        return Stream.of(
                Arguments.of(StageKind.SFT, new SftOutput("the arithmetic task's worked solutions", null,
                        new SftFigures(3, 2.375f, 1.5))),
                Arguments.of(StageKind.SFT, new SftOutput("03-rs/kept.jsonl", 2, new SftFigures(4, 0.5f, 2))),
                Arguments.of(StageKind.GRPO, new GrpoOutput(40, 0.25, 0.5, 3.6, 11.5, 41, 0.06,
                        Path.of("02-rl/summary.json"), Path.of("02-rl/charts"), "40 learner steps in 0.06 min of RL")),
                Arguments.of(StageKind.GRPO, new GrpoOutput(40, null, null, 3.6, 11.5, 41, 1,
                        Path.of("02-rl/summary.json"), Path.of("02-rl/charts"), "not evaluated")),
                Arguments.of(StageKind.SAMPLE, SAMPLE),
                Arguments.of(StageKind.REJECT, REJECT),
                Arguments.of(StageKind.REJECTION_SAMPLING, new RejectionSamplingOutput(SAMPLE, REJECT)),
                Arguments.of(StageKind.GRPO, new GrpoOutput(40, 0.25, 0.5, 3.6, 11.5, 41, 1,
                        Path.of("05-all/summary.json"), Path.of("05-all/charts"), "40 learner steps")
                        .withRewards(new RewardParts(40, 0.5, 0.75, true, -1.25, 2.5))),
                Arguments.of(StageKind.GRPO, new GrpoOutput(40, 0.25, 0.5, 3.6, 11.5, 41, 1,
                        Path.of("02-rl/summary.json"), Path.of("02-rl/charts"), "40 learner steps")
                        .withRewards(new RewardParts(40, 0.5, 0.75, false, 0, 0))),
                Arguments.of(StageKind.DISTILL, new DistillOutput(distilled)),
                Arguments.of(StageKind.RM_TRAIN, new RmTrainOutput(Path.of("04-rm/reward-model"), "04-rm/pairs.jsonl",
                        "general", 1800, 200, 0.5, 0.995, 300, 61.5)));
    }

    @ParameterizedTest
    @MethodSource("outputs")
    void eachKindsOutputsReadBackAsWritten(StageKind kind, StageOutput written, @TempDir Path dir) throws Exception {
        EvalResult figures = new EvalResult(4, 2, 0.5, 0.75, 0.5, 1.0, 10.0);
        new StageRecord(0, "a", kind.label(), "id-1", "f1", Map.of("b", "id-0"), "01-a/checkpoints/step-000003", true,
                figures, written, 2.5, "2026-01-01T00:00:00Z").write(dir);
        // through the text on disk, as a re-run reads it
        JsonNode onDisk = MetricsLog.JSON.readTree(dir.resolve(StageRecord.FILE).toFile());
        StageRecord read = StageRecord.read(dir);
        assertEquals(written, read.outputs());
        assertEquals(onDisk.get("outputs"), text(read.outputs().toJson()));
        assertEquals(figures, read.figures());
        assertEquals(kind.writesSamples(), read.outputs() instanceof StageOutput.WritesSamples, kind.label());
        assertEquals(kind.writesSftData(), read.outputs() instanceof StageOutput.WritesSftData, kind.label());
        assertEquals(kind.writesRewardModel(), read.outputs() instanceof StageOutput.WritesRewardModel, kind.label());
    }

    /** The outputs of a rejection-sampling stage as the pipeline has always written them. */
    @Test
    void aRejectionSamplingStagesOutputsKeepTheirFieldNames() throws Exception {
        JsonNode json = new RejectionSamplingOutput(SAMPLE, REJECT).toJson();
        JsonNode expected = MetricsLog.JSON.readTree("""
                {"samples": "03-rs/samples.jsonl", "k": 2, "split": "held-out", "seed": 11,
                 "sampled": {"prompts": 4, "resumed": 1, "lines": 6, "pass1": 0.5, "well_formed": 0.75,
                             "mean_tokens": 12.5, "truncated": 0.125, "seconds": 3.25},
                 "note": "4 prompts x 2 sampled, pass@1 0.500; kept 2",
                 "sft_data": "03-rs/kept.jsonl", "stats": "03-rs/kept.jsonl.stats.json",
                 "rejection": {"lines_read": 6, "bad_lines_skipped": 0, "kept": 2, "kept_share": 0.3333333333333333,
                               "rejected": {"incorrect": 3, "malformed": 1}, "prompts": 4, "prompts_with_kept": 2,
                               "prompts_none_kept": 2, "prompts_all_correct": 1, "prompts_none_correct": 1,
                               "prompts_mixed": 2, "all_correct_prompts_dropped": 0,
                               "settings": {"min_language": 1.0, "repetition_ngram": 4, "max_repetition": 0.5,
                                            "min_tokens": 1, "max_tokens": 100, "max_per_prompt": 2,
                                            "max_all_correct_share": 1.0, "seed": 7}}}
                """);
        assertEquals(expected, text(json));
    }

    @Test
    void aStageRecordOfNoKnownKindIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(StageRecord.FILE), "{\"format\": \"aha-stage-1\", \"kind\": \"grpoo\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StageRecord.read(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve(StageRecord.FILE) + " is not a stage record"),
                e.getMessage());
    }

    @Test
    void outputsThatDoNotReadBackAreRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        ObjectNode record = new StageRecord(0, "s", "sample", "id-1", "f1", Map.of(), null, true, null, SAMPLE, 1,
                "2026-01-01T00:00:00Z").toJson();
        ((ObjectNode) record.get("outputs").get("sampled")).put("pass1", "most");
        Files.writeString(dir.resolve(StageRecord.FILE), record.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StageRecord.read(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve(StageRecord.FILE) + ": the outputs of a sample stage do "
                + "not read back (sampling figures do not read back: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("delete the folder to run the stage again"), e.getMessage());
    }

    @Test
    void aStageThatWroteNoSamplesOrDataHasNoneToHandOn() {
        SftOutput sft = new SftOutput("worked solutions", null, new SftFigures(1, 1, 1));
        assertThrows(IllegalStateException.class, () -> StageOutput.samplesOf(sft));
        assertThrows(IllegalStateException.class, () -> StageOutput.sftDataOf(SAMPLE));
        assertEquals(REJECT.sftData(), StageOutput.sftDataOf(REJECT));
        assertEquals(SAMPLE.samples(), StageOutput.samplesOf(new RejectionSamplingOutput(SAMPLE, REJECT)));
    }

    /** As a re-run reads it: through text (a long written is an int read, a float a double). */
    private static JsonNode text(JsonNode json) throws Exception {
        return MetricsLog.JSON.readTree(MetricsLog.JSON.writeValueAsString(json));
    }

    private static Map<String, Long> ordered(Map<String, Long> m) {
        return new LinkedHashMap<>(new java.util.TreeMap<>(m));
    }
}
