package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.actors.pipeline.PipelineFixture;
import dev.aha.app.recipe.Recipe;
import dev.aha.app.recipe.Stage;
import dev.aha.app.recipe.StagedPipeline;
import dev.aha.runtime.metrics.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * R1's last stage in a recipe, on a tiny GPT: an rm-train stage trains a reward model on generated pairs from the
 * checkpoint before it and passes the policy on; a grpo stage rewards a mixed dataset with the rules and that model
 * and reports both parts. Recipes that misuse the keys are refused in one line before anything runs.
 */
class RewardModelStageTest {

    private static final String HEAD = "task = arithmetic\nconfig {\n" + PipelineFixture.TINY
            + "\naha.policy.context-length = 160\n}\neval { prompts = 4, k = 2 }\n";

    static Stream<Arguments> badRecipes() {
        String sft = "{ name = a, kind = sft, steps = 1 }\n";
        String rm = "{ name = rm, kind = rm-train, pairs = general, count = 8, steps = 1 }\n";
        return Stream.of(
                Arguments.of("stages = [" + sft + "{ name = rm, kind = rm-train, steps = 1 } ]",
                        "stage 2 'rm': an rm-train stage needs pairs = task | general (generated) or data = FILE"),
                Arguments.of("stages = [" + sft + "{ name = rm, kind = rm-train, pairs = poems, steps = 1 } ]",
                        "stage 2 'rm': pairs must be task (the task's worked solutions) or general"),
                Arguments.of("stages = [" + sft + "{ name = rm, kind = rm-train, pairs = general } ]",
                        "stage 2 'rm': an rm-train stage needs steps = N, minutes = N or both"),
                Arguments.of("stages = [" + rm + "]", "stage 1 'rm': a reward model starts from a trained "
                        + "checkpoint's decoder"),
                Arguments.of("stages = [" + sft + "{ name = b, kind = grpo, minutes = 1, reward-model-from = a } ]",
                        "stage 2 'b': reward-model-from = a names a sft stage, which writes no reward model"),
                Arguments.of("stages = [" + sft + "{ name = b, kind = grpo, minutes = 1, general-share = 0.5 } ]",
                        "stage 2 'b': general-share mixes in general requests that only a reward model rewards"),
                Arguments.of("stages = [" + sft + rm + "{ name = b, kind = grpo, minutes = 1, reward-model-from = rm, "
                        + "general-share = 1.5 } ]", "stage 3 'b': general-share must be in [0, 1], was 1.5"),
                Arguments.of("stages = [" + sft + "{ name = b, kind = grpo, minutes = 1, prompts = 9 } ]",
                        "stage 2 'b': prompts on a grpo stage sizes its mixed dataset: give general-share too"),
                Arguments.of("stages = [" + sft + "{ name = rm, kind = rm-train, pairs = general, steps = 1, "
                        + "config.aha.rm.held-out = 1 } ]", "stage 2 'rm': aha.rm.held-out must be in (0, 1), was 1"));
    }

    @ParameterizedTest
    @MethodSource("badRecipes")
    void aRecipeThatMisusesTheRewardModelKeysIsRefusedInOneLine(String stages, String expected, @TempDir Path dir)
            throws Exception {
        Path recipe = Files.writeString(dir.resolve("bad.conf"), HEAD + stages);
        Path out = dir.resolve("out");
        CommandRun r = CommandRun.of("pipeline", "--recipe", recipe.toString(), "--out", out.toString());
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), "one line: " + r.err());
        assertTrue(lines.get(0).contains(expected), lines.get(0));
        assertFalse(Files.exists(out), "nothing ran");
    }

    @Test
    void theShippedAllScenariosRecipePassesTheStartUpCheck(@TempDir Path dir) {
        Recipe recipe = Recipe.load(Path.of("../deploy/recipes/r1-all-scenarios.conf"));
        assertEquals(List.of("sft", "grpo", "rejection-sampling", "sft", "rm-train", "grpo"),
                recipe.stages().stream().map(st -> st.kind().label()).toList());
        Stage last = recipe.stages().get(5);
        assertEquals("reward-model", last.rewardModelFrom());
        assertEquals(0.5, last.generalShare());
        new StagedPipeline(recipe, dir.resolve("out"), System.out); // the whole check, nothing run
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    @Tag("slow") // a GRPO stage with a reward model: in verify
    void anRmTrainStageFeedsTheMixedGrpoStageWhichReportsItsRuleAndModelParts(@TempDir Path dir) throws Exception {
        Path recipe = Files.writeString(dir.resolve("all.conf"), HEAD + """
                stages = [
                  { name = cold-start, kind = sft, steps = 3 }
                  { name = rm, kind = rm-train, pairs = general, count = 40, steps = 4, seed = 3,
                    config.aha.rm { batch-size = 4, learning-rate = 1e-3, eval-every = 2 } }
                  { name = all, kind = grpo, minutes = 0.08, reward-model-from = rm, general-share = 0.5,
                    prompts = 40, seed = 4 }
                ]
                """);
        Path out = dir.resolve("out");
        CommandRun r = CommandRun.of("pipeline", "--recipe", recipe.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode stages = MetricsLog.JSON.readTree(out.resolve("pipeline.json").toFile()).get("stages");
        JsonNode rm = stages.get(1);
        assertEquals(stages.get(0).get("checkpoint"), rm.get("checkpoint"), "the policy passes on unchanged");
        assertFalse(rm.get("evaluated").asBoolean(), "the same policy: not evaluated again");
        JsonNode rmOut = rm.get("outputs");
        assertEquals("02-rm/reward-model", rmOut.get("reward_model").asText());
        assertEquals(36, rmOut.get("train_pairs").asInt(), rmOut.toString());
        assertEquals(4, rmOut.get("held_out_pairs").asInt());
        assertEquals(4, rmOut.get("steps").asInt());
        assertEquals(40, Files.readAllLines(out.resolve("02-rm/pairs.jsonl")).size());
        assertTrue(Files.isRegularFile(out.resolve("02-rm/reward-model/rm-train.json")));

        assertEquals(40, Files.readAllLines(out.resolve("03-all/mixed.jsonl")).size());
        assertEquals(4, Files.readAllLines(out.resolve("03-all/held-out.jsonl")).size(), "the evaluation's prompts");
        JsonNode all = stages.get(2);
        assertTrue(all.get("evaluated").asBoolean());
        JsonNode parts = all.get("outputs").get("reward_parts");
        assertTrue(parts.get("steps").asInt() >= 1, all.toString());
        assertTrue(Double.isFinite(parts.get("model_last").asDouble()), parts.toString());
        assertTrue(all.get("outputs").get("note").asText().contains("model reward"), all.toString());
        assertTrue(r.err().contains("[3/3] all (grpo from rm): 0.08 minutes of GRPO on 40 mixed prompts (50% general, "
                + "rewarded by rm's reward model)"), r.err());
        String table = r.out();
        assertTrue(table.contains("held-out pair accuracy"), table);
        assertTrue(table.contains("rule reward"), table);
    }
}
