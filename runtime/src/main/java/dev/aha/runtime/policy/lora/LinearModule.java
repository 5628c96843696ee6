package dev.aha.runtime.policy.lora;

/**
 * One linear layer of a policy that may carry an adapter.
 *
 * @param module its module name as PEFT and transformers name it ({@code model.layers.0.self_attn.q_proj}); for the
 *     built-in GPT, its weight's name ({@code h.0.attn.wqkv})
 * @param weight its weight's name in the policy's {@link dev.aha.runtime.policy.ParameterLayout}
 * @param in input features
 * @param out output features
 * @param inputMajor whether the weight is stored [in, out] and multiplied as x W (the built-in GPT) rather than
 *     [out, in] and x W^T (nn.Linear, the Llama family)
 */
public record LinearModule(String module, String weight, int in, int out, boolean inputMajor) {

    /** The last part of the module name: what a target such as {@code q_proj} or {@code wqkv} names. */
    public String leaf() {
        return module.substring(module.lastIndexOf('.') + 1);
    }

    /** PEFT's rule for a list of target_modules: the module's whole name, or a dotted suffix of it. */
    public boolean matches(String target) {
        return module.equals(target) || module.endsWith("." + target);
    }

    /** The name of its A matrix [rank, in], as PEFT names it without the adapter name and model prefix. */
    public String loraA() {
        return module + ".lora_A.weight";
    }

    /** The name of its B matrix [out, rank]. */
    public String loraB() {
        return module + ".lora_B.weight";
    }
}
