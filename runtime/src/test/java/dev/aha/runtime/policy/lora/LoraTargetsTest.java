package dev.aha.runtime.policy.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.hf.HfModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** aha.lora as read and checked at start-up: PEFT's defaults, its target names, and every refusal. */
class LoraTargetsTest {

    @TempDir
    static Path tmp;

    private static ParameterLayout qwen3;
    private static final ParameterLayout GPT = LoraFixtures.gpt().layout();

    @BeforeAll
    static void model() {
        HfModel model = LoraFixtures.qwen3(tmp.resolve("q3"), 5);
        qwen3 = model.layout();
    }

    @Test
    void theDefaultsAreOffAndPeftsOtherwise() {
        LoraSettings s = LoraSettings.fromConfig(ConfigFactory.defaultReference().getConfig("aha.lora"));
        assertFalse(s.enabled(), "rank 0: LoRA off by default");
        assertEquals(8, s.alpha());
        assertEquals(0, s.dropout());
        assertEquals(List.of(), s.targets());
        assertEquals(LoraInit.PEFT_DEFAULT, s.init());
        assertFalse(s.rslora());
        assertEquals(List.of("q_proj", "v_proj"), LoraTargets.effective(s, "qwen3"), "PEFT's default for qwen3");
        assertEquals(List.of("wqkv"), LoraTargets.effective(s, "gpt"));
    }

    @Test
    void scalingIsAlphaOverRankOrOverItsRootWithRslora() {
        assertEquals(2.0, new LoraSettings(8, 16, 0, List.of(), LoraInit.PEFT_DEFAULT, false).scaling());
        assertEquals(16 / Math.sqrt(8), new LoraSettings(8, 16, 0, List.of(), LoraInit.PEFT_DEFAULT, true).scaling());
    }

    @Test
    void targetsNameLayersAsPeftMatchesThem() {
        List<LinearModule> defaults = LoraTargets.resolve(LoraFixtures.settings(4, 8, LoraInit.PEFT_DEFAULT), "qwen3",
                qwen3);
        assertEquals(List.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
                "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"),
                defaults.stream().map(LinearModule::module).toList());
        LinearModule v = defaults.get(1);
        assertEquals("model.layers.0.self_attn.v_proj.weight", v.weight());
        assertEquals(32, v.in());
        assertEquals(16, v.out(), "2 kv heads of 8");
        assertEquals(14, LoraTargets.resolve(LoraFixtures.settings(4, 8, LoraInit.PEFT_DEFAULT, "all-linear"),
                "qwen3", qwen3).size(), "7 projections a layer, never lm_head");
        assertEquals(List.of("model.layers.1.mlp.down_proj"), LoraTargets.resolve(
                LoraFixtures.settings(4, 8, LoraInit.PEFT_DEFAULT, "model.layers.1.mlp.down_proj"), "qwen3", qwen3)
                .stream().map(LinearModule::module).toList(), "a whole module name names one layer");

        List<LinearModule> gpt = LoraTargets.resolve(LoraFixtures.settings(4, 8, LoraInit.PEFT_DEFAULT, "wqkv", "w2"),
                "gpt", GPT);
        assertEquals(List.of("h.0.attn.wqkv", "h.0.mlp.w2", "h.1.attn.wqkv", "h.1.mlp.w2"),
                gpt.stream().map(LinearModule::module).toList());
        assertTrue(gpt.get(0).inputMajor(), "the GPT stores [in, out]");
        assertEquals(64, gpt.get(0).in());
        assertEquals(192, gpt.get(0).out());
        assertEquals(8, LoraTargets.resolve(LoraFixtures.settings(4, 8, LoraInit.PEFT_DEFAULT, "all-linear"), "gpt",
                GPT).size());
    }

    @Test
    void aTargetThatNamesNoLayerIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoraTargets.resolve(
                LoraFixtures.settings(4, 8, LoraInit.PEFT_DEFAULT, "q_proj", "qkv_proj"), "qwen3", qwen3));
        assertTrue(e.getMessage().startsWith("aha.lora.targets: 'qkv_proj' names no linear layer of this qwen3 "
                + "policy (its layers: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoraTargets.resolve(
                LoraFixtures.settings(4, 8, LoraInit.PEFT_DEFAULT, "lm_head"), "qwen3", qwen3), "the head takes none");
        IllegalArgumentException gpt = assertThrows(IllegalArgumentException.class, () -> LoraTargets.resolve(
                LoraFixtures.settings(4, 8, LoraInit.PEFT_DEFAULT, "q_proj"), "gpt", GPT));
        assertTrue(gpt.getMessage().contains("(its layers: wqkv, wo, w1, w2"), gpt.getMessage());
    }

    @Test
    void aRankAboveALayersNarrowerSideIsRefused() {
        assertEquals(14, LoraTargets.resolve(LoraFixtures.settings(16, 8, LoraInit.PEFT_DEFAULT, "all-linear"),
                "qwen3", qwen3).size(), "16 fits k_proj's 16 outputs");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoraTargets.resolve(
                LoraFixtures.settings(17, 8, LoraInit.PEFT_DEFAULT, "all-linear"), "qwen3", qwen3));
        assertEquals("aha.lora.rank 17 exceeds min(in, out) = 16 of model.layers.0.self_attn.k_proj (32 in, 16 out)",
                e.getMessage());
        assertEquals(2, LoraTargets.resolve(LoraFixtures.settings(17, 8, LoraInit.PEFT_DEFAULT, "q_proj"), "qwen3",
                qwen3).size(), "q_proj is 32 x 32: 17 fits");
    }

    @Test
    void badSettingsAreRefusedInOneLine() {
        assertEquals("aha.lora.rank must be >= 0 (0 = LoRA off), was -1", assertThrows(IllegalArgumentException.class,
                () -> LoraFixtures.settings(-1, 8, LoraInit.PEFT_DEFAULT)).getMessage());
        assertEquals("aha.lora.alpha must be positive and finite, was 0.0", assertThrows(
                IllegalArgumentException.class, () -> LoraFixtures.settings(4, 0, LoraInit.PEFT_DEFAULT)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoraFixtures.settings(4, -2, LoraInit.PEFT_DEFAULT));
        for (double dropout : new double[] {-0.1, 1.0, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new LoraSettings(4, 8, dropout, List.of(), LoraInit.PEFT_DEFAULT, false));
            assertTrue(e.getMessage().startsWith("aha.lora.dropout must be in [0, 1)"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LoraInit.parse("kaiming")).getMessage()
                .contains("aha.lora.init must be true, false or gaussian"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> LoraFixtures.settings(4, 8, LoraInit.PEFT_DEFAULT, "all-linear", "q_proj")).getMessage()
                .contains("all-linear stands alone"));
        assertEquals("aha.lora.init must be given", assertThrows(IllegalArgumentException.class,
                () -> new LoraSettings(4, 8, 0, List.of(), null, false)).getMessage());
        assertEquals(LoraInit.GAUSSIAN, LoraInit.parse("gaussian"));
        assertEquals(LoraInit.RANDOM, LoraInit.parse("false"));
    }

    @Test
    void rankZeroWithTargetsIsOff() {
        LoraSettings off = LoraFixtures.settings(0, 8, LoraInit.PEFT_DEFAULT, "no_such_layer");
        assertFalse(off.enabled(), "off, whatever the targets say");
        assertThrows(IllegalStateException.class, off::scaling);
    }
}
