package dev.aha.actors.run;

import ai.djl.ndarray.NDManager;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.pipeline.RunState;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.eval.Evaluator;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.sft.SftLoop;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Path;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where reinforcement learning starts: the cold start (SFT on the task's worked solutions, or an {@code --init}
 * checkpoint) measured on the held-out split, or the last checkpoint of a run being resumed. Either way RL gets the
 * policy's weights, the frozen KL reference (the cold-start policy) and the counters to continue.
 *
 * @param state the counters RL continues from
 * @param resumeFrom the checkpoint whose optimiser state the learner restores, or null for a fresh start
 * @param weights the policy RL trains
 * @param reference the KL reference
 */
public record StartingPoint(RunState state, Path resumeFrom, FlatWeights weights, FlatWeights reference) {

    private static final Logger LOG = LoggerFactory.getLogger(StartingPoint.class);

    /** Counters of a cold-start checkpoint: nothing trained by RL yet, pass@1 not measured. */
    private static final RunState COLD = RunState.fresh();

    /** A freshly initialised policy (aha.policy.init-seed), for benchmark runs; no reference needed beyond it. */
    static StartingPoint initialised(RunConfig config) {
        ComputeThreads.prepare(1);
        try (NDManager scope = NDManager.newBaseManager(config.devices().learner());
                Policy p = config.policy().create(scope)) {
            FlatWeights w = p.exportWeights();
            return new StartingPoint(zero(Double.NaN, 0), null, w, w);
        }
    }

    /** A simulated run has no policy. */
    static StartingPoint simulated() {
        return new StartingPoint(zero(Double.NaN, 0), null, null, null);
    }

    /**
     * The cold start, saved to {@code coldStart} (the run's reference for a later resume), then evaluated; the
     * evaluation is the first line of {@code metrics}.
     *
     * @param init a checkpoint to start from instead of SFT, or null
     * @param initEval {@code init}'s figures, already measured with these evaluation settings, or null to measure
     */
    static StartingPoint coldStart(RunResources run, Task task, Path init, EvalResult initEval,
            CheckpointStore coldStart, List<TaskPrompt> heldOut, Path metrics) {
        RunConfig config = run.config();
        ComputeThreads.prepare(1);
        long started = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager(config.devices().learner());
                Policy policy = config.policy().create(manager)) {
            if (init != null) {
                CheckpointStore.load(CheckpointStore.resolve(init), policy, null);
                LOG.info("cold start from {}", init);
            } else if (config.train().coldStartSteps() == 0) {
                // R1-Zero: RL straight from the initial policy, no worked solutions seen
                LOG.info("no cold start (aha.train.cold-start.steps = 0): RL from the initial policy, as R1-Zero");
            } else {
                if (config.lora().enabled()) {
                    LOG.info("cold-start SFT trains every weight; its result is the base of LoRA's adapters");
                }
                supervisedFineTune(run, task, policy);
            }
            coldStart.savePolicy(0, policy, COLD.toJson());
            double trained = (System.nanoTime() - started) / 1e9; // the policy exists from here on
            EvalResult initial;
            if (init != null && initEval != null) {
                initial = initEval;
                LOG.info(String.format("cold-start policy: held-out pass@1 %.3f (measured before: not again)",
                        initial.pass1()));
            } else {
                initial = evaluate(run, policy, heldOut, "cold-start policy");
            }
            try (MetricsLog log = new MetricsLog(metrics)) {
                log.appendEval(0, 0, trained, initial);
            }
            FlatWeights w = policy.exportWeights();
            return new StartingPoint(zero(initial.pass1(), (System.nanoTime() - started) / 1e9), null, w, w);
        }
    }

    /**
     * The last checkpoint of the run in {@code previous}, with that run's cold start as the reference. When the
     * resumed run writes elsewhere, the cold start is copied there so the new folder can be resumed in turn.
     */
    static StartingPoint resume(RunConfig config, Path previous, CheckpointStore coldStartHere, boolean sameFolder) {
        ComputeThreads.prepare(1);
        Path from = new CheckpointStore(previous.resolve("checkpoints"), 3).latest().orElseThrow(
                () -> new IllegalArgumentException("nothing to resume in " + previous + ": no checkpoints/latest"));
        Path cold = new CheckpointStore(previous.resolve("cold-start"), 1).latest().orElseThrow(
                () -> new IllegalArgumentException("no cold-start checkpoint in " + previous));
        try (NDManager manager = NDManager.newBaseManager(config.devices().learner());
                Policy policy = config.policy().blank(manager)) {
            CheckpointStore.load(cold, policy, null);
            FlatWeights reference = policy.exportWeights();
            if (!sameFolder) {
                coldStartHere.savePolicy(0, policy, COLD.toJson());
            }
            if (config.lora().enabled()) {
                // LoRA's base is the cold start; the learner restores the adapters and their moments from `from`
                if (CheckpointStore.adapters(from).isEmpty()) {
                    throw new IllegalArgumentException("checkpoint " + from + " holds a whole policy, no LoRA adapters:"
                            + " a run saved with aha.lora.rank = 0 resumes with rank 0");
                }
                RunState state = RunState.fromJson(CheckpointStore.runState(from));
                LOG.info("resuming LoRA adapters from {}: step {}, version {}", from, state.step(), state.version());
                return new StartingPoint(state, from, reference, reference);
            }
            RunState state = RunState.fromJson(CheckpointStore.load(from, policy, null));
            LOG.info("resuming from {}: step {}, version {}", from, state.step(), state.version());
            return new StartingPoint(state, from, policy.exportWeights(), reference);
        }
    }

    private static void supervisedFineTune(RunResources run, Task task, Policy policy) {
        RunConfig config = run.config();
        int steps = config.train().coldStartSteps();
        LOG.info("cold start: {} SFT steps on the task's worked solutions (batch {})", steps,
                config.train().coldStartBatchSize());
        try (ProgressBar bar = Progress.bar("cold-start SFT", steps)) {
            float loss = SftLoop.run(policy, run.tokenizer(), config.template(),
                    task.trainStream(config.train().seed() + 99), steps, config.train().coldStartBatchSize(),
                    AdamWSettings.defaults(config.train().coldStartLearningRate()), config.train().logitsBudget(),
                    p -> {
                        bar.step();
                        bar.setExtraMessage(String.format("loss %.3f", p.loss()));
                    });
            LOG.info("cold start done: SFT loss {}", String.format("%.4f", loss));
        }
    }

    private static EvalResult evaluate(RunResources run, Policy policy, List<TaskPrompt> heldOut, String what) {
        ComputeThreads.stopRecording();
        Evaluator evaluator = run.evaluator(policy, run.config().train().evalK());
        EvalResult r;
        try (ProgressBar bar = Progress.bar("eval " + what, heldOut.size())) {
            r = evaluator.evaluate(heldOut, bar::stepTo);
        }
        LOG.info(String.format("%s: held-out pass@1 %.3f, greedy %.3f, cons@%d %.3f, format %.3f on %d prompts "
                + "(extract %s)%s", what, r.pass1(), r.greedyAccuracy(), r.k(), r.consK(), r.formatRate(),
                r.prompts(), evaluator.extract().configName(), Double.isNaN(r.toolCallsPerSample()) ? ""
                        : String.format(", %.2f tool calls per episode", r.toolCallsPerSample())));
        return r;
    }

    private static RunState zero(double initialPass1, double coldStartSeconds) {
        return new RunState(0, 0, 0, 0, 0, 0, 0, initialPass1, coldStartSeconds);
    }
}
