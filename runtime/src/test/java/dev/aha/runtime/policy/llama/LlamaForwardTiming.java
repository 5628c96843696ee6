package dev.aha.runtime.policy.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Not a test: times one forward (logits) of batch 4 x 64 tokens for a tiny Qwen3 with the real Qwen3 vocabulary
 * (151,936), hidden 256 (4 heads of 64, 2 kv heads), intermediate 768, 4 layers, tied, and the lm_head matmul alone
 * on hidden states of the same shape. Run from runtime/:
 *
 * <pre>
 *   mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 *   OMP_NUM_THREADS=1 java -Dai.djl.offline=true -cp target/classes:target/test-classes:$(cat /tmp/cp.txt) \
 *       dev.aha.runtime.policy.llama.LlamaForwardTiming [intra-op threads...]
 * </pre>
 *
 * Measured on the 2-core development machine (shared, so 2-thread figures vary): 1 thread, median 300-330 ms per
 * forward, of which the lm_head matmul (19.9 GFLOP) is 275-280 ms (85-90%); 2 threads, 163-265 ms with the lm_head
 * at 162-208 ms (about 80%).
 */
public final class LlamaForwardTiming {

    private LlamaForwardTiming() {}

    public static void main(String[] args) {
        int[] threadCounts = args.length == 0 ? new int[] {1, 2} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        LlamaConfig config = new LlamaConfig("qwen3", 256, 768, 4, 4, 2, 64, 1e-6, 1e6, 151_936, 40_960, true, false,
                "float32", null, List.of());
        int batch = 4;
        int tokens = 64;
        for (int threads : threadCounts) {
            ComputeThreads.prepare(threads);
            try (NDManager base = NDManager.newBaseManager();
                    LlamaPolicy policy = LlamaPolicy.zeros(config, 2048, base)) {
                policy.importWeights(random(policy.layout().totalBytes()));
                Random rng = new Random(1);
                int[] ids = new int[batch * tokens];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = rng.nextInt(config.vocabSize());
                }
                NDArray embed = policy.parameters().get(0).array();
                double[] forward = new double[7];
                double[] head = new double[7];
                for (int r = 0; r < forward.length + 2; r++) {
                    try (NDManager scope = base.newSubManager()) {
                        NDArray input = scope.create(ids, new Shape(batch, tokens));
                        long t0 = System.nanoTime();
                        NDArray logits = policy.logits(input);
                        logits.getFloat(0, 0, 0); // wait for the result
                        long t1 = System.nanoTime();
                        NDArray hidden = scope.randomNormal(new Shape(batch, tokens, config.hiddenSize()));
                        hidden.getFloat(0, 0, 0);
                        long t2 = System.nanoTime();
                        NDArray headOnly = Linear.linear(hidden, embed, null).singletonOrThrow();
                        headOnly.getFloat(0, 0, 0);
                        long t3 = System.nanoTime();
                        if (r >= 2) { // two warm-up runs
                            forward[r - 2] = (t1 - t0) / 1e6;
                            head[r - 2] = (t3 - t2) / 1e6;
                        }
                    }
                }
                Arrays.sort(forward);
                Arrays.sort(head);
                double f = forward[forward.length / 2];
                double h = head[head.length / 2];
                System.out.printf("threads %d: forward %dx%d, %,d parameters: median %.1f ms (min %.1f, max %.1f);"
                        + " lm_head matmul alone %.1f ms (%.0f%% of the forward)%n", threads, batch, tokens,
                        policy.layout().totalElements(), f, forward[0], forward[forward.length - 1], h, 100 * h / f);
            }
        }
    }

    private static FlatWeights random(long bytes) {
        Random rng = new Random(7);
        FlatWeights flat = FlatWeights.allocate(bytes);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (long at = 0; at < bytes; at += chunk.limit()) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), bytes - at));
            while (chunk.hasRemaining()) {
                chunk.putFloat((float) (rng.nextGaussian() * 0.02));
            }
            chunk.flip();
            flat.put(at, chunk);
        }
        return flat;
    }
}
