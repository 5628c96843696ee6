package dev.aha.runtime.simulation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.backend.PolicyTrainer;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.grpo.GrpoDiagnostics;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoUpdateResult;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A simulated learner. A step parks for (completion tokens x train-per-token) and changes the modelled weights, so
 * every version is a distinct snapshot of {@code weight-bytes} bytes for the weight plane to move and verify. There
 * is no policy: no loss, no evaluation, no checkpoint of weights.
 */
public final class SimulatedTrainer implements PolicyTrainer {

    private final SimulationSettings settings;
    private final FlatWeights weights;
    private long steps;

    public SimulatedTrainer(SimulationSettings settings, long seed) {
        this.settings = settings;
        this.weights = FlatWeights.allocate(settings.weightBytes());
        Random random = new Random(seed);
        for (int i = 0; i < weights.segmentCount(); i++) {
            ByteBuffer segment = weights.segment(i);
            while (segment.remaining() >= Long.BYTES) {
                segment.putLong(random.nextLong());
            }
        }
    }

    @Override
    public GrpoUpdateResult update(List<GrpoSample> samples) {
        long tokens = 0;
        double advantage = 0;
        for (GrpoSample s : samples) {
            tokens += s.completion().length;
            advantage += s.advantage();
        }
        ModelledTime.spend(tokens * settings.trainPerToken().toNanos());
        steps++;
        weights.segment(0).putLong(0, steps); // a new version is a different snapshot
        GrpoDiagnostics d = new GrpoDiagnostics(0f, 0f, 0f, 1f, (float) (advantage / Math.max(1, samples.size())),
                tokens);
        return new GrpoUpdateResult(0f, 0f, d, samples.size());
    }

    @Override
    public FlatWeights exportWeights() {
        return weights.copy();
    }

    @Override
    public void checkpoint(CheckpointStore store, long step, ObjectNode state) {
        // nothing to save: a simulated run has no policy (its counters are in summary.json)
    }

    @Override
    public Optional<EvalResult> evaluate(List<TaskPrompt> heldOut, int k, boolean greedy) {
        return Optional.empty();
    }

    @Override
    public void close() {}
}
