package dev.aha.runtime.policy.lora;

import dev.aha.runtime.policy.Policy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The learner's frozen LoRA base, handed to the rollouts of its own JVM ({@code aha.lora.rollout-apply = shared}):
 * the learner offers it once built, each rollout waits for it on its own thread and decodes over views of the same
 * tensors. Nothing is copied, and the base never crosses the weight plane. The base is only read from then on (LoRA
 * trains the adapters alone), so the learner's thread and the rollouts' may use it at once; each side multiplies
 * through array objects of its own, and libtorch keeps the shared storage alive until the last view is closed.
 */
public final class SharedBase {

    /** What the learner offers: its frozen base and the SHA-256 that adapters name it by. */
    public record Offer(Policy base, String sha256) {}

    private final CompletableFuture<Offer> offer = new CompletableFuture<>();

    /** Called once by the learner, on its thread, when its policy is built. */
    public void offer(Policy base, String sha256) {
        if (!offer.complete(new Offer(base, sha256))) {
            throw new IllegalStateException("the learner's base was already offered");
        }
    }

    /** The learner could not build its policy: every waiting rollout fails with {@code cause} instead of waiting. */
    public void fail(Throwable cause) {
        offer.completeExceptionally(cause);
    }

    /**
     * The learner's base, waiting for it at most {@code timeout}.
     *
     * @throws IllegalStateException when the learner failed, or did not offer its base in time
     */
    public Offer await(Duration timeout) {
        try {
            return offer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the learner failed before its base could be shared: " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the learner did not offer its base within " + timeout.toSeconds()
                    + " s (aha.lora.rollout-apply = shared)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the learner's base", e);
        }
    }
}
