package dev.aha.app.serve;

import ai.djl.ndarray.NDManager;
import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.Sampler;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The policy behind the server, on one thread of its own (DJL state is per thread): requests run one at a time in
 * arrival order; {@code maxWaiting} more may wait, and one past that is refused at once
 * ({@link RejectedExecutionException}, a 429), never queued without bound.
 */
final class Generator implements AutoCloseable {

    /** One generation: the prompt's length, the sampled ids and their text, and whether an end token ended it. */
    record Generation(int promptTokens, int[] tokens, String text, boolean finished) {}

    private final ThreadPoolExecutor thread;
    private final RunConfig config;
    private final Tokenizer tokenizer;
    private NDManager manager;
    private Policy policy;

    /** Loads the policy (a checkpoint's weights when {@code checkpoint} is set) on the generator's thread. */
    Generator(RunConfig config, Tokenizer tokenizer, Path checkpoint, int maxWaiting) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(maxWaiting),
                r -> {
                    Thread t = new Thread(r, "aha-serve-generator");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        try {
            thread.submit(() -> {
                ComputeThreads.prepare(1);
                manager = NDManager.newBaseManager(config.devices().learner());
                policy = checkpoint == null ? config.policy().create(manager) : config.policy().blank(manager);
                if (checkpoint != null) {
                    CheckpointStore.load(checkpoint, policy, null);
                }
                return null;
            }).get();
        } catch (ExecutionException e) {
            thread.shutdownNow();
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the policy", e);
        }
    }

    /** The policy's context in tokens: a prompt must leave room in it. */
    int contextLength() {
        return policy.contextLength();
    }

    Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Samples a completion of {@code prompt}; a full queue fails the future with RejectedExecutionException. */
    CompletableFuture<Generation> generate(int[] prompt, ChatRequest request) {
        return generate(prompt, request, null);
    }

    /**
     * The same, telling {@code onText} on the generator's thread each piece of text as its tokens are sampled (a
     * piece that would end inside a character is told with the token that completes it).
     *
     * @param onText may be null
     */
    CompletableFuture<Generation> generate(int[] prompt, ChatRequest request, Consumer<String> onText) {
        SamplingSettings defaults = config.sampling();
        int room = policy.contextLength() - prompt.length;
        if (room < 1) {
            throw new BadRequest("the request's " + prompt.length + " tokens leave no room in the context of "
                    + policy.contextLength());
        }
        int max = Math.min(room, request.maxTokens() > 0 ? request.maxTokens() : defaults.maxNewTokens());
        SamplingSettings s = new SamplingSettings(
                Double.isNaN(request.temperature()) ? defaults.temperature() : (float) request.temperature(),
                Double.isNaN(request.topP()) ? defaults.topP() : (float) request.topP(), max);
        try {
            return CompletableFuture.supplyAsync(() -> {
                IntConsumer tokens = onText == null ? null : new TextPieces(tokenizer, onText);
                Completion c = new Sampler(policy, s, tokenizer.vocabSize(), tokenizer.endIds())
                        .sampleGroup(prompt, 1, new Random(request.seed()), tokens).get(0);
                return new Generation(prompt.length, c.tokens(), tokenizer.decode(c.tokens()), c.finished());
            }, thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        try {
            thread.submit(() -> {
                policy.close();
                manager.close();
            }).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the process is ending: native memory goes with it
        }
        thread.shutdownNow();
    }

    /** Sampled tokens to new text: the whole decoded so far, less what was told, held while it ends mid-character. */
    private static final class TextPieces implements IntConsumer {
        private final Tokenizer tokenizer;
        private final Consumer<String> onText;
        private int[] ids = new int[16];
        private int n;
        private int told;

        TextPieces(Tokenizer tokenizer, Consumer<String> onText) {
            this.tokenizer = tokenizer;
            this.onText = onText;
        }

        @Override
        public void accept(int token) {
            if (n == ids.length) {
                ids = java.util.Arrays.copyOf(ids, n * 2);
            }
            ids[n++] = token;
            String text = tokenizer.decode(java.util.Arrays.copyOf(ids, n));
            if (text.length() > told && !text.endsWith("\uFFFD")) {
                onText.accept(text.substring(told));
                told = text.length();
            }
        }
    }
}
