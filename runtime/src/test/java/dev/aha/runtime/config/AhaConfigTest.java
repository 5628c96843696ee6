package dev.aha.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.grpo.LossAggregation;
import dev.aha.runtime.grpo.RolloutCorrection;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.sampling.SamplingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AhaConfigTest {

    @Test
    void shouldReadEveryDefaultIntoItsSettingsRecord() {
        Config c = AhaConfig.load();
        GptConfig policy = GptConfig.fromConfig(c.getConfig("aha.policy"), 99);
        SamplingSettings sampling = SamplingSettings.fromConfig(c.getConfig("aha.sampling"));
        GrpoSettings grpo = GrpoSettings.fromConfig(c.getConfig("aha.grpo"), sampling.maxNewTokens());
        AdamWSettings adam = AdamWSettings.fromConfig(c.getConfig("aha.optimizer"));
        assertEquals(99, policy.vocabSize());
        assertEquals(LossAggregation.SEQUENCE_MEAN, grpo.aggregation());
        assertTrue(adam.learningRate() > 0);
        assertEquals(sampling.maxNewTokens(), grpo.drGrpoNormalizer());
        assertEquals(RolloutCorrection.NONE, grpo.correction(), "none, cap 2.0 (veRL's TIS default)");
    }

    @Test
    void shouldLayerAUserFileOverTheDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.conf");
        Files.writeString(file, "aha.grpo { beta = 0, aggregation = TOKEN_MEAN }\n");
        Config c = AhaConfig.load(file);
        GrpoSettings grpo = GrpoSettings.fromConfig(c.getConfig("aha.grpo"), 64);
        assertEquals(0.0, grpo.beta());
        assertEquals(LossAggregation.TOKEN_MEAN, grpo.aggregation());
        assertEquals(0.2, grpo.epsLow());
    }

    @Test
    void setOverridesWinOverTheFileAndSystemProperties(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.conf");
        Files.writeString(file, "aha.grpo { beta = 0.5, eps-low = 0.3 }\naha.sampling.top-p = 0.7\n");
        System.setProperty("aha.grpo.beta", "0.4");
        System.setProperty("aha.sampling.top-p", "0.8");
        try {
            Config c = AhaConfig.load(file, SettingOverrides.parse(List.of("aha.grpo.beta=0.1")));
            assertEquals(0.1, c.getDouble("aha.grpo.beta"));
            assertEquals(0.8, c.getDouble("aha.sampling.top-p"));
            assertEquals(0.3, c.getDouble("aha.grpo.eps-low"));
        } finally {
            System.clearProperty("aha.grpo.beta");
            System.clearProperty("aha.sampling.top-p");
            ConfigFactory.invalidateCaches();
        }
    }

    @Test
    void aMisspelledSetKeyIsRefusedNamingTheNearestKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AhaConfig.load((Path) null, SettingOverrides.parse(List.of("aha.grpo.betta=0.1"))));
        assertEquals("--set aha.grpo.betta=0.1: unknown configuration key aha.grpo.betta (did you mean "
                + "aha.grpo.beta?)", e.getMessage());
    }

    @Test
    void shouldNameAMissingOrBrokenFile(@TempDir Path dir) throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> AhaConfig.load(dir.resolve("nope.conf")));
        assertTrue(missing.getMessage().contains("nope.conf"), missing.getMessage());
        Path broken = dir.resolve("broken.conf");
        Files.writeString(broken, "aha.grpo { beta = \n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AhaConfig.load(broken));
        assertTrue(e.getMessage().contains("broken.conf"), e.getMessage());
    }

    @Test
    void shouldReadTheRolloutCorrectionAndRefuseABadOneInOneLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tis.conf");
        Files.writeString(file, "aha.grpo { rollout-correction = tis, rollout-correction-cap = 1.5 }\n");
        assertEquals(new RolloutCorrection(RolloutCorrection.Mode.TIS, 1.5),
                GrpoSettings.fromConfig(AhaConfig.load(file).getConfig("aha.grpo"), 64).correction());
        Files.writeString(file, "aha.grpo.rollout-correction-cap = 0.5\n");
        Config lowCap = AhaConfig.load(file);
        assertEquals("aha.grpo.rollout-correction-cap must be a number >= 1, was 0.5",
                assertThrows(IllegalArgumentException.class,
                        () -> GrpoSettings.fromConfig(lowCap.getConfig("aha.grpo"), 64)).getMessage());
        Files.writeString(file, "aha.grpo.rollout-correction = ppo\n");
        Config unknown = AhaConfig.load(file);
        assertEquals("aha.grpo.rollout-correction must be none, tis or mis, was 'ppo'",
                assertThrows(IllegalArgumentException.class,
                        () -> GrpoSettings.fromConfig(unknown.getConfig("aha.grpo"), 64)).getMessage());
    }

    @Test
    void shouldRejectAnIncompatibleCombinationWithAPreciseMessage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dr.conf");
        Files.writeString(file, "aha.grpo.aggregation = DR_GRPO\n");
        Config c = AhaConfig.load(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GrpoSettings.fromConfig(c.getConfig("aha.grpo"), 64));
        assertTrue(e.getMessage().contains("scaleAdvantagesByStd"), e.getMessage());
    }
}
