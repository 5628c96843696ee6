package dev.aha.runtime.policy.lora;

import com.typesafe.config.Config;
import java.util.List;

/**
 * {@code aha.lora}: low-rank adapters on the policy's linear layers, with PEFT's {@code LoraConfig} defaults and
 * meanings. Each adapted layer computes {@code y = x W^T (+b) + scaling * (dropout(x) A^T) B^T}, A [rank, in] and
 * B [out, rank], the base W frozen. Rank 0 (the default) is LoRA off: the policy trains every weight, as without
 * this section.
 *
 * @param rank r, the adapters' inner dimension; 0 = off
 * @param alpha lora_alpha: the term is scaled by alpha / rank (alpha / sqrt(rank) with {@code rslora})
 * @param dropout lora_dropout: the probability of zeroing each input element of the adapter path while training
 * @param targets which linear layers get adapters (PEFT's target_modules): layer names such as {@code q_proj},
 *     {@code all-linear}, or empty for PEFT's default for the model type ({@link LoraTargets})
 * @param init how A and B start ({@link LoraInit})
 * @param rslora use_rslora: rank-stabilised scaling alpha / sqrt(rank)
 */
public record LoraSettings(int rank, double alpha, double dropout, List<String> targets, LoraInit init,
        boolean rslora) {

    /** LoRA off. */
    public static final LoraSettings OFF = new LoraSettings(0, 8, 0, List.of(), LoraInit.PEFT_DEFAULT, false);

    public LoraSettings {
        if (rank < 0) {
            throw new IllegalArgumentException("aha.lora.rank must be >= 0 (0 = LoRA off), was " + rank);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("aha.lora.alpha must be positive and finite, was " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("aha.lora.dropout must be in [0, 1), was " + dropout);
        }
        targets = List.copyOf(targets);
        if (targets.contains(LoraTargets.ALL_LINEAR) && targets.size() > 1) {
            throw new IllegalArgumentException("aha.lora.targets: " + LoraTargets.ALL_LINEAR + " stands alone (it "
                    + "names every linear layer but the output head), was " + targets);
        }
        if (init == null) {
            throw new IllegalArgumentException("aha.lora.init must be given");
        }
    }

    /** Reads {@code aha.lora} (see reference.conf). */
    public static LoraSettings fromConfig(Config lora) {
        return new LoraSettings(lora.getInt("rank"), lora.getDouble("alpha"), lora.getDouble("dropout"),
                lora.getStringList("targets"), LoraInit.parse(lora.getString("init")), lora.getBoolean("rslora"));
    }

    /** Whether the policy trains adapters (rank &gt; 0) rather than every weight. */
    public boolean enabled() {
        return rank > 0;
    }

    /** What multiplies the adapter term: alpha / rank, or alpha / sqrt(rank) with rslora (PEFT's update_layer). */
    public double scaling() {
        if (!enabled()) {
            throw new IllegalStateException("LoRA is off (rank 0): no scaling");
        }
        return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }
}
