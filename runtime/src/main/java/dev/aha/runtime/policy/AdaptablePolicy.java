package dev.aha.runtime.policy;

/**
 * A policy whose linear layers add the adapters of its {@link AdapterSlot} to their outputs (LoRA): the built-in GPT
 * and the Llama family.
 */
public interface AdaptablePolicy extends Policy {

    /** The slot the policy's linear layers read; empty unless an adapted policy is computing through this one. */
    AdapterSlot adapterSlot();
}
