package dev.aha.runtime.policy.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The scaled inverse frequencies and attention factors against {@code expected/rope-frequencies.json}, which
 * {@code reference.py} computes with numpy after transformers' modeling_rope_utils.py for published shapes (Llama
 * 3.1 8B, Llama 3.2 1B, Qwen2.5 7B and Qwen3 8B with yarn) and every optional yarn key (truncate false, mscale and
 * mscale_all_dim, an explicit attention_factor and betas, no original context). The reference takes theta^(2i/d) as
 * the float64 power rounded to float32, as Java does here; everything after it is the same float32 arithmetic, so
 * the values agree to the bit (measured: 0 ulp). One ulp is allowed for a JVM whose Math.pow rounds otherwise.
 */
class RopeFrequenciesTest {

    private static final int MAX_ULPS = 1;

    @Test
    void shouldComputeTransformersInverseFrequenciesAndAttentionFactors() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(Files.readString(
                LlamaFixtures.ROOT.resolve("expected/rope-frequencies.json")));
        int worst = 0;
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            LlamaConfig config = LlamaConfig.parse(c.get("config"), name);
            RopeFrequencies rope = RopeFrequencies.of(config);
            float[] inv = rope.inverse();
            assertEquals(c.get("inv_freq").size(), inv.length, name);
            for (int i = 0; i < inv.length; i++) {
                float expected = (float) c.get("inv_freq").get(i).asDouble();
                int ulps = Math.abs(Float.floatToIntBits(inv[i]) - Float.floatToIntBits(expected));
                worst = Math.max(worst, ulps);
                assertTrue(ulps <= MAX_ULPS, name + " inv_freq[" + i + "] = " + inv[i] + ", transformers " + expected);
            }
            assertEquals((float) c.get("attention_factor").asDouble(), rope.attentionFactor(), name);
        }
        System.out.printf("%d configurations: inv_freq within %d ulp of the reference%n", cases.size(), worst);
    }

    @Test
    void shouldLeavePlainRopeAsItWas() {
        RopeFrequencies plain = RopeFrequencies.of(16, 10000.0, null);
        assertEquals(1f, plain.attentionFactor());
        assertEquals(1f, plain.inverse()[0]);
        assertEquals(1 / Math.pow(10000.0, 14 / 16.0), plain.inverse()[7], 1e-10);
        float[] linear = RopeFrequencies.of(16, 10000.0, new RopeScaling.Linear(4.0)).inverse();
        for (int i = 0; i < linear.length; i++) {
            assertEquals(plain.inverse()[i] / 4f, linear[i]);
        }
    }
}
