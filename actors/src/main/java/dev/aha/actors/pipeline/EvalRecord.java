package dev.aha.actors.pipeline;

import dev.aha.runtime.eval.EvalResult;

/**
 * One held-out evaluation during a run, at a learner step and policy version.
 *
 * @param runSeconds when the evaluated policy existed, in seconds since the run started (cold start included)
 * @param seconds what the evaluation itself took (the learner does not train meanwhile)
 * @param periodic one of the evaluations every eval-every steps (not the final one)
 */
public record EvalRecord(long step, long version, double runSeconds, double seconds, boolean periodic,
        EvalResult result) {}
