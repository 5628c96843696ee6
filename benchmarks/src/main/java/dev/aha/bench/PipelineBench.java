package dev.aha.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.pipeline.Learner;
import dev.aha.actors.run.TrainingSession;
import dev.aha.runtime.metrics.StepMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One run of the real pipeline in this JVM for a fixed time (TrainingSession's benchmark mode: no cold start, no
 * evaluation), and the steady-state throughput read off the learner's steps.
 */
final class PipelineBench {

    /**
     * What one run measured.
     *
     * @param sampledTokensPerSecond completion tokens that reached the learner (used or dropped) per steady second
     * @param usedTokensPerSecond completion tokens of the groups the learner trained on per steady second
     */
    record Result(RunConfig config, ObjectNode summary, Learner.Finished finished, double groupsPerSecond,
            double stepsPerSecond, double sampledTokensPerSecond, double usedTokensPerSecond, int stepsMeasured,
            double samplingTokensPerSecond) {}

    private PipelineBench() {}

    /** The layered config (--config, --set) with the benchmark's overrides on top. */
    static RunConfig config(ConfigOptions options, Map<String, Object> overrides) {
        Config base = options.load();
        return RunConfig.from(ConfigFactory.parseMap(overrides).withFallback(base).resolve());
    }

    /**
     * Runs for {@code seconds} and measures from the first learner step after {@code warmupSeconds} to the last: the
     * JVM's warm-up and the pipeline's filling are not counted, nor the drain at the deadline.
     */
    static Result run(RunConfig config, double seconds, double warmupSeconds, Path out) {
        TrainingSession session = TrainingSession.benchmark(config, seconds / 60.0, out);
        ObjectNode summary = session.run();
        Learner.Finished f = session.finished();
        List<StepMetrics> steps = f.history().stream().filter(m -> m.wallSeconds() >= warmupSeconds).toList();
        int b = config.train().batchGroups();
        double groups = 0;
        double steady = 0;
        double usedTokens = 0;
        double sampledTokens = 0;
        // The rollouts' own rate: tokens that arrived over the seconds spent sampling them, weighted by tokens.
        double arrivedTokens = 0;
        double samplingSeconds = 0;
        if (steps.size() >= 2) {
            steady = steps.get(steps.size() - 1).wallSeconds() - steps.get(0).wallSeconds();
            groups = (steps.size() - 1) * (double) b;
            for (int i = 1; i < steps.size(); i++) {
                StepMetrics m = steps.get(i);
                usedTokens += m.responseLength() * b * config.train().groupSize();
                double arrived = m.sampledTokensPerSecond() * (m.wallSeconds() - steps.get(i - 1).wallSeconds());
                sampledTokens += arrived;
                if (m.samplingTokensPerSecond() > 0) {
                    arrivedTokens += arrived;
                    samplingSeconds += arrived / m.samplingTokensPerSecond();
                }
            }
        }
        return new Result(config, summary, f, steady > 0 ? groups / steady : 0,
                steady > 0 ? (steps.size() - 1) / steady : 0, steady > 0 ? sampledTokens / steady : 0,
                steady > 0 ? usedTokens / steady : 0, steps.size(),
                samplingSeconds > 0 ? arrivedTokens / samplingSeconds : 0);
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static void log(String what) {
        System.err.println("aha bench: " + what);
    }
}
