package dev.aha.actors.pipeline;

import ai.djl.Device;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.runtime.backend.PolicyTrainer;
import dev.aha.runtime.backend.RolloutEngine;
import dev.aha.runtime.backend.TorchRolloutEngine;
import dev.aha.runtime.backend.TorchTrainer;
import dev.aha.runtime.policy.lora.SharedBase;
import dev.aha.runtime.simulation.SimulatedEngine;
import dev.aha.runtime.simulation.SimulatedTrainer;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.time.Duration;

/** Makes the devices aha.backend names: one switch, so the actors have a single code path for both. */
final class Backends {

    /** How long a rollout waits for the learner to build its policy and offer the base (minutes for billions). */
    private static final Duration SHARED_BASE_WAIT = Duration.ofMinutes(15);

    private Backends() {}

    /**
     * A rollout's engine; call on the rollout's own thread. A simulated device gets the configured slots, or one
     * group at a time when none are set (the model the simulation's costs describe). Under LoRA a real one takes a
     * base and adapters, as the learner publishes them.
     */
    static RolloutEngine engine(RunConfig c, Tokenizer tokenizer, int threads) {
        return engine(c, tokenizer, threads, null);
    }

    /**
     * The same over the learner's frozen base when {@code sharedBase} is given (aha.lora.rollout-apply = shared):
     * waits here, on the rollout's thread, until the learner offers it.
     */
    static RolloutEngine engine(RunConfig c, Tokenizer tokenizer, int threads, SharedBase sharedBase) {
        if (c.simulated()) {
            int slots = c.rollout().maxSequences() > 0 ? c.rollout().maxSequences() : c.train().groupSize();
            return new SimulatedEngine(c.simulation(), slots, tokenizer.vocabSize(), tokenizer.endId());
        }
        Device device = c.devices().rollout();
        int slots = Math.max(c.rollout().sequencesFor(device.isGpu()), c.train().groupSize());
        if (sharedBase != null) {
            return TorchRolloutEngine.overSharedBase(c.policy(), device, sharedBase.await(SHARED_BASE_WAIT), slots,
                    threads, c.sampling(), tokenizer.vocabSize(), tokenizer.endIds(), c.lora());
        }
        return new TorchRolloutEngine(c.policy(), device, c.rollout().dtype().dataType(), slots, threads, c.sampling(),
                tokenizer.vocabSize(), tokenizer.endIds(), c.lora(), c.loraApply());
    }

    /** The learner's device; call on the learner's own thread. */
    static PolicyTrainer trainer(LearnerSetup s) {
        RunConfig c = s.config();
        RunResources r = s.resources();
        if (c.simulated()) {
            return new SimulatedTrainer(c.simulation(), c.train().seed());
        }
        return new TorchTrainer(c.policy(), c.devices().learner(), c.grpo(), c.optimizer(), c.lora(),
                c.train().learnerThreads(), c.train().logitsBudget(), s.initialWeights(),
                s.referenceWeights(), s.resumeFrom(), new TorchTrainer.EvalSettings(r.tokenizer(), c.template(),
                        c.sampling(), c.train().seed() + 17, c.reward().extract(), r.codeAccuracy(),
                        r.evaluationPool(), r.episodes()), c.train().precision());
    }
}
