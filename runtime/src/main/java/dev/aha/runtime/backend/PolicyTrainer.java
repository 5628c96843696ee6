package dev.aha.runtime.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoUpdateResult;
import dev.aha.runtime.policy.lora.SharedBase;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotLabel;
import java.util.List;
import java.util.Optional;

/**
 * The learner's device: the trained policy, its optimiser and the frozen reference. The real one runs the GRPO
 * loss on DJL ({@link TorchTrainer}); the simulated one spends modelled time. Used from one thread only.
 */
public interface PolicyTrainer extends AutoCloseable {

    /** One GRPO step on these samples; none may be left (all masked): then the weights do not move. */
    GrpoUpdateResult update(List<GrpoSample> samples);

    /** The current weights, flat, in a new buffer the caller owns (under LoRA: merged into the base). */
    FlatWeights exportWeights();

    /**
     * Under LoRA, the frozen base the adapters go onto, labelled with its SHA-256, in a new buffer the caller owns:
     * the weight plane sends it once (and again to a node that joins later). Null when every weight trains.
     */
    default PlaneImage exportBase() {
        return null;
    }

    /**
     * Under LoRA, the frozen base itself (not a copy) and its SHA-256, for rollouts in this JVM to decode over
     * ({@code aha.lora.rollout-apply = shared}); empty when every weight trains or the device has no policy.
     */
    default Optional<SharedBase.Offer> frozenBase() {
        return Optional.empty();
    }

    /**
     * The current version as the weight plane carries it, in a new buffer the caller owns: under LoRA the adapters
     * alone, labelled with their base and layout; else every weight.
     */
    default PlaneImage exportVersion() {
        return new PlaneImage(exportWeights(), SnapshotLabel.full());
    }

    /** Writes policy, optimiser state and {@code state} as checkpoint {@code step}. */
    void checkpoint(CheckpointStore store, long step, ObjectNode state);

    /**
     * Held-out pass@1 and friends over {@code k} samples a prompt, and greedy accuracy if {@code greedy}; empty where
     * there is no real policy to evaluate (a simulation).
     */
    Optional<EvalResult> evaluate(List<TaskPrompt> heldOut, int k, boolean greedy);

    @Override
    void close();
}
