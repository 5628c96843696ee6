package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;

/**
 * A learner's per-token log-probs, recorded for one backward pass ({@link ChunkedLogProbs#record}): compute the loss
 * from {@link #logProbs()}, then hand it to {@link #backward} once, inside the gradient collector that was open when
 * they were recorded.
 */
public interface TrainingLogProbs {

    /** (B, C): entry [b, c] is log p(tokens[b, fromColumn+c+1] | tokens[b, 0..fromColumn+c]), recording gradients. */
    NDArray logProbs();

    /** Backpropagates {@code loss}, a scalar computed from {@link #logProbs()}, into the policy's gradients. */
    void backward(GradientCollector collector, NDArray loss);

    /** The whole logits through autograd: for a policy that does not expose its output head. */
    record ThroughLogits(NDArray logProbs) implements TrainingLogProbs {

        @Override
        public void backward(GradientCollector collector, NDArray loss) {
            collector.backward(loss);
        }
    }
}
