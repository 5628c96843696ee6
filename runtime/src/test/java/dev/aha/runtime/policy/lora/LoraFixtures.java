package dev.aha.runtime.policy.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelInit;
import java.nio.file.Path;
import java.util.List;

/** Tiny models and settings for the LoRA tests: a Qwen3 in Hugging Face layout and the built-in GPT. */
final class LoraFixtures {

    static final int VOCAB = 64;
    static final int PAD = 0;
    static final int END = 1;

    private LoraFixtures() {}

    /**
     * hidden 32, 2 layers, 4 heads of 8 over 2 kv heads (k_proj and v_proj: 16 out), MLP 64, untied head: every
     * projection shape differs, so a transposed A or B cannot pass.
     */
    static HfModel qwen3(Path dir, long seed) {
        return HfModel.open(HfModelInit.write(HfModelInit.Spec.of("qwen3", 32, 2, 4, 2, 64, VOCAB, false, seed), dir,
                null), 64);
    }

    static GptConfig gpt() {
        return GptConfig.tiny(VOCAB);
    }

    /** A base policy: the tiny GPT, or {@code model}'s weights. */
    static Policy base(String architecture, HfModel model, NDManager manager) {
        return "gpt".equals(architecture) ? GptPolicy.create(gpt(), manager) : model.create(manager);
    }

    static LoraSettings settings(int rank, double alpha, LoraInit init, String... targets) {
        return new LoraSettings(rank, alpha, 0, List.of(targets), init, false);
    }

    /** Two rows of ids. */
    static NDArray tokens(NDManager manager) {
        return manager.create(new int[] {3, 9, 14, 5, 22, 7, 4, 30, 2, 11, 8, 6}, new Shape(2, 6));
    }

    /** A group with advantages of both signs and behaviour log-probs near a random policy's. */
    static List<GrpoSample> samples() {
        int[] prompt = {5, 9, 12, 3};
        return List.of(
                new GrpoSample(prompt, new int[] {7, 8, END}, new float[] {-4.1f, -4.2f, -4.0f}, 1f),
                new GrpoSample(prompt, new int[] {6, 2, 9, END}, new float[] {-4.2f, -4.1f, -4.3f, -4.1f}, -1f),
                new GrpoSample(prompt, new int[] {11, END}, new float[] {-4.0f, -4.2f}, 0.5f),
                new GrpoSample(prompt, new int[] {13, 13, 4}, new float[] {-4.1f, -4.1f, -4.2f}, -0.5f));
    }
}
