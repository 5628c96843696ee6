package dev.aha.actors.pipeline;

import dev.aha.runtime.eval.EvalResult;

/** One held-out evaluation during a run, at a learner step and policy version. */
public record EvalRecord(long step, long version, EvalResult result) {}
