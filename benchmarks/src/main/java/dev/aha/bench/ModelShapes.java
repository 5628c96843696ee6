package dev.aha.bench;

import dev.aha.runtime.policy.hf.HfModelInit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Published models' shapes (their config.json sizes), for benchmarks of real sizes where no pretrained weights can
 * be had: the weights are random, the arithmetic and the memory traffic are the real model's.
 */
final class ModelShapes {

    private static final Map<String, HfModelInit.Spec> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("qwen2.5-0.5b", HfModelInit.Spec.of("qwen2", 896, 24, 14, 2, 4864, 151_936, true, 1));
        KNOWN.put("qwen2.5-1.5b", HfModelInit.Spec.of("qwen2", 1536, 28, 12, 2, 8960, 151_936, true, 1));
        KNOWN.put("qwen2.5-3b", HfModelInit.Spec.of("qwen2", 2048, 36, 16, 2, 11008, 151_936, true, 1));
        KNOWN.put("qwen3-0.6b", HfModelInit.Spec.of("qwen3", 1024, 28, 16, 8, 3072, 151_936, true, 1).withHeadDim(128));
        KNOWN.put("qwen3-1.7b", HfModelInit.Spec.of("qwen3", 2048, 28, 16, 8, 6144, 151_936, true, 1).withHeadDim(128));
        KNOWN.put("llama-3.2-1b", HfModelInit.Spec.of("llama", 2048, 16, 32, 8, 8192, 128_256, true, 1));
        // a small model of the same family with the real vocabulary: what tests and quick checks run
        KNOWN.put("tiny-qwen3", HfModelInit.Spec.of("qwen3", 64, 2, 4, 2, 96, 151_936, true, 1).withHeadDim(16));
    }

    private ModelShapes() {}

    /** The shape called {@code name}; an unknown name is refused with the list of known ones. */
    static HfModelInit.Spec named(String name) {
        HfModelInit.Spec spec = KNOWN.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("unknown --shape '" + name + "': known shapes are "
                    + String.join(", ", KNOWN.keySet()));
        }
        return spec;
    }
}
