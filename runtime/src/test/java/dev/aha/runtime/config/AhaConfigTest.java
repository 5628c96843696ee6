package dev.aha.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.grpo.LossAggregation;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.sampling.SamplingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void shouldRejectAnIncompatibleCombinationWithAPreciseMessage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dr.conf");
        Files.writeString(file, "aha.grpo.aggregation = DR_GRPO\n");
        Config c = AhaConfig.load(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GrpoSettings.fromConfig(c.getConfig("aha.grpo"), 64));
        assertTrue(e.getMessage().contains("scaleAdvantagesByStd"), e.getMessage());
    }
}
