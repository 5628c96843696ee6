package dev.aha.actors.pipeline;

import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.runtime.backend.GroupGenerator;
import dev.aha.runtime.backend.PolicyTrainer;
import dev.aha.runtime.backend.TorchGenerator;
import dev.aha.runtime.backend.TorchTrainer;
import dev.aha.runtime.simulation.SimulatedGenerator;
import dev.aha.runtime.simulation.SimulatedTrainer;
import dev.aha.runtime.tokenizer.Tokenizer;

/** Makes the devices aha.backend names: one switch, so the actors have a single code path for both. */
final class Backends {

    private Backends() {}

    /** A rollout's replica; call on the rollout's own thread. */
    static GroupGenerator generator(RunConfig c, Tokenizer tokenizer) {
        return c.simulated()
                ? new SimulatedGenerator(c.simulation(), tokenizer.vocabSize(), tokenizer.endId())
                : new TorchGenerator(c.policy(), c.devices().rollout(), c.sampling(), tokenizer.vocabSize(),
                        tokenizer.endIds());
    }

    /** The learner's device; call on the learner's own thread. */
    static PolicyTrainer trainer(LearnerSetup s) {
        RunConfig c = s.config();
        RunResources r = s.resources();
        if (c.simulated()) {
            return new SimulatedTrainer(c.simulation(), c.train().seed());
        }
        return new TorchTrainer(c.policy(), c.devices().learner(), c.grpo(), c.optimizer(), c.train().learnerThreads(),
                c.train().logitsBudget(), s.initialWeights(),
                s.referenceWeights(), s.resumeFrom(), new TorchTrainer.EvalSettings(r.tokenizer(), c.template(),
                        c.sampling(), c.train().seed() + 17, c.reward().extract(), r.codeAccuracy(),
                        r.evaluationPool()));
    }
}
