package dev.aha.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import java.util.Random;

/** The {@code forward_GxL} section of {@code aha bench model}: where a forward's time goes. */
final class ForwardBreakdown {

    private ForwardBreakdown() {}

    /**
     * The decoder (embedding, layers, final norm) against the output head, on a batch of {@code rows} rows of
     * {@code length} tokens, without gradients; medians of 3 after one warm-up.
     */
    static void write(Policy policy, int vocabSize, int rows, int length, Random rng, ObjectNode out) {
        ComputeThreads.stopRecording();
        double[] decoder = new double[3];
        double[] head = new double[3];
        for (int i = -1; i < 3; i++) {
            try (NDManager scope = policy.manager().newSubManager()) {
                var tokens = scope.create(rng.ints((long) rows * length, 0, vocabSize).toArray(),
                        new Shape(rows, length));
                long a = System.nanoTime();
                var hidden = policy.hiddenStates(tokens);
                hidden.toFloatArray(); // wait for the engine: DJL's PyTorch ops run eagerly, this is one copy
                long b = System.nanoTime();
                policy.outputHead(hidden).get("0, 0, 0").getFloat();
                long c = System.nanoTime();
                if (i >= 0) {
                    decoder[i] = (b - a) / 1e9;
                    head[i] = (c - b) / 1e9;
                }
            }
        }
        ObjectNode f = out.putObject("forward_" + rows + "x" + length);
        f.put("decoder_seconds", Stats.median(decoder));
        f.put("output_head_seconds", Stats.median(head));
        f.put("output_head_share", Stats.median(head) / (Stats.median(head) + Stats.median(decoder)));
    }
}
