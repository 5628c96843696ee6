package dev.aha.runtime.policy.lora;

/**
 * How adapters start: PEFT's {@code init_lora_weights}. With B = 0 (the default and gaussian) the adapted policy
 * starts exactly as its base.
 */
public enum LoraInit {

    /**
     * {@code true}: A as nn.Linear's reset_parameters draws it, Kaiming-uniform with a = sqrt(5), which is
     * uniform(-1/sqrt(in), 1/sqrt(in)); B zeros.
     */
    PEFT_DEFAULT("true"),
    /** {@code gaussian}: A ~ normal(0, 1/rank); B zeros. */
    GAUSSIAN("gaussian"),
    /**
     * {@code false}: both as nn.Linear draws them, A uniform(+-1/sqrt(in)), B uniform(+-1/sqrt(rank)): the adapted
     * policy starts away from its base (PEFT offers it for tests and debugging).
     */
    RANDOM("false");

    private final String peftName;

    LoraInit(String peftName) {
        this.peftName = peftName;
    }

    /** The value of {@code init_lora_weights} in PEFT's adapter_config.json (a JSON boolean for true and false). */
    public String peftName() {
        return peftName;
    }

    /** Reads {@code aha.lora.init}: true, false or gaussian. */
    public static LoraInit parse(String value) {
        for (LoraInit i : values()) {
            if (i.peftName.equalsIgnoreCase(value.trim())) {
                return i;
            }
        }
        throw new IllegalArgumentException("aha.lora.init must be true, false or gaussian (PEFT's "
                + "init_lora_weights), was '" + value + "'");
    }
}
