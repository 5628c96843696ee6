package dev.aha.runtime.metrics;

/**
 * One held-out evaluation of a run.
 *
 * @param step the learner step it evaluated (0 = the cold start)
 * @param runSeconds when that policy existed, in seconds since the run started (its cold start included)
 * @param pass1 held-out pass@1
 */
public record EvalPoint(long step, double runSeconds, double pass1) {}
