package dev.aha.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.llama.LlamaConfig;
import dev.aha.runtime.policy.lora.LoraBase;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The random models the benchmarks measure real sizes on: transformers' initialisation, in a model that loads it. */
class RandomModelTest {

    @Test
    void weightsAreDrawnAsTransformersInitialisesThemAndLoadIntoTheShape() {
        LlamaConfig config = HfModelInit.Spec.of(LlamaConfig.QWEN2, 8, 1, 2, 1, 16, 32, true, 1).config();
        ParameterLayout layout = config.layout();
        FlatWeights weights = RandomModel.weights(layout, new Random(7));
        assertEquals(layout.totalBytes(), weights.size());
        long offset = 0;
        int drawn = 0;
        for (int i = 0; i < layout.size(); i++) {
            String name = layout.names().get(i);
            int n = (int) layout.shapes().get(i).size();
            ByteBuffer values = ByteBuffer.allocate(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            weights.get(offset, values);
            values.flip();
            for (int k = 0; k < n; k++) {
                float v = values.getFloat();
                if (name.contains("norm")) {
                    assertEquals(1f, v, name);
                } else if (name.endsWith(".bias")) {
                    assertEquals(0f, v, name);
                } else {
                    assertTrue(Math.abs(v) < 0.2, name + ": " + v + " is not normal(0, 0.02)");
                    drawn += v != 0 ? 1 : 0;
                }
            }
            offset += (long) n * Float.BYTES;
        }
        assertTrue(drawn > 0, "the matrices are drawn");
        assertTrue(layout.names().stream().anyMatch(name -> name.endsWith(".bias")), "qwen2 has biases: " + layout);

        ComputeThreads.prepare(1);
        try (NDManager manager = NDManager.newBaseManager();
                Policy policy = RandomModel.shape(config, 16).blank(manager)) {
            policy.importWeights(weights);
            assertTrue(policy.exportWeights().contentEquals(weights), "the shape takes the weights as drawn");
        }
    }

    /** Drawn straight into a model (bf16 here), the weights are those of the image, which names them by its hash. */
    @Test
    void weightsDrawnIntoAModelAreTheImagesAndNamedByItsHash() {
        LlamaConfig config = HfModelInit.Spec.of(LlamaConfig.QWEN2, 8, 1, 2, 1, 16, 32, true, 1).config();
        FlatWeights image = RandomModel.weights(config.layout(), new Random(7));
        ComputeThreads.prepare(1);
        try (NDManager manager = NDManager.newBaseManager();
                Policy f32 = RandomModel.shape(config, 16).blank(manager);
                Policy bf16 = RandomModel.shape(config, 16).blank(manager, DataType.BFLOAT16);
                Policy rounded = RandomModel.shape(config, 16).blank(manager, DataType.BFLOAT16)) {
            assertEquals(LoraBase.sha256(image), RandomModel.fill(f32, new Random(7)));
            assertTrue(f32.exportWeights().contentEquals(image), "the same draws, in the same order");
            assertEquals(LoraBase.sha256(image), RandomModel.fill(bf16, new Random(7)), "the float32 image's hash");
            rounded.importWeights(image);
            assertTrue(bf16.exportWeights().contentEquals(rounded.exportWeights()), "rounded as an import rounds");
        }
    }
}
