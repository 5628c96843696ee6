package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.aha.runtime.engine.Gradients;
import dev.aha.runtime.engine.Scalars;

/**
 * The backward pass of {@link ChunkedLogProbs#record}: the output head's gradients computed a slice of the vocabulary
 * at a time, outside autograd, then the hidden states' gradient backpropagated through the decoder. Slices of the
 * vocabulary rather than chunks of rows, so that the head weight's gradient is summed over all rows of one slice in
 * one product and added into a view of its own slice: no array the size of the weight is ever made.
 */
final class SlicedHeadBackward implements TrainingLogProbs {

    private final ChunkedLogProbs chunks;
    private final OutputHeadWeight head;
    private final NDArray hidden;
    private final NDArray flat;
    private final NDArray weight;
    private final NDArray targets;
    private final NDArray logsumexp;
    private final NDArray logProbs;
    private final float temperature;

    /**
     * @param hidden (B, C, d) hidden states, recording gradients
     * @param flat the same, detached, (N, d)
     * @param weight a detached view of the head weight
     * @param targets (N,) int64 ids each row predicts
     * @param logsumexp (N,) of z = logits / T
     * @param logProbs (B, C) log-probs, a leaf that records its gradient
     */
    SlicedHeadBackward(ChunkedLogProbs chunks, OutputHeadWeight head, NDArray hidden, NDArray flat, NDArray weight,
            NDArray targets, NDArray logsumexp, NDArray logProbs, float temperature) {
        this.chunks = chunks;
        this.head = head;
        this.hidden = hidden;
        this.flat = flat;
        this.weight = weight;
        this.targets = targets;
        this.logsumexp = logsumexp;
        this.logProbs = logProbs;
        this.temperature = temperature;
    }

    @Override
    public NDArray logProbs() {
        return logProbs;
    }

    @Override
    public void backward(GradientCollector collector, NDArray loss) {
        collector.backward(loss);
        NDManager scope = flat.getManager();
        long n = flat.getShape().get(0);
        long vocab = head.vocabSize();
        NDArray g = logProbs.getGradient(); // zeros when the loss does not depend on the log-probs
        g.attach(scope);
        NDArray negScaled = Scalars.times(g.reshape(n, 1), -1.0 / temperature); // -g/T per row
        NDArray shift = logsumexp.reshape(n, 1);
        NDArray column = targets.reshape(n, 1);
        NDArray dHidden = scope.zeros(flat.getShape(), flat.getDataType());
        NDArray gradient = head.trainable() ? gradientOf(collector, scope) : null;
        int width = chunks.columnsPerSlice(n, head.hiddenSize(), vocab);
        for (long from = 0; from < vocab; from += width) {
            long to = Math.min(vocab, from + width);
            try (NDManager slice = scope.newSubManager()) {
                for (NDArray a : new NDArray[] {flat, weight, negScaled, shift, column, dHidden, gradient}) {
                    if (a != null) {
                        a.tempAttach(slice);
                    }
                }
                NDArray z = head.logits(flat, weight, from, to);
                if (temperature != 1f) {
                    z.divi(temperature);
                }
                NDArray p = z.subi(shift).exp(); // softmax(z) over these columns
                z.close(); // each slice's arrays go as soon as they are spent: about two slices' worth live at once
                NDArray isTarget = column.eq(slice.arange((int) from, (int) to, 1, DataType.INT64));
                NDArray hit = isTarget.toType(p.getDataType(), false);
                isTarget.close();
                NDArray dLogits = p.subi(hit).muli(negScaled); // g/T (onehot - p)
                hit.close();
                dHidden.addi(head.towardsHidden(dLogits, weight, from, to));
                if (gradient != null) {
                    head.accumulate(gradient, dLogits, flat, from, to);
                }
            }
        }
        collector.backward(hidden.mul(dHidden.reshape(hidden.getShape())).sum());
    }

    /**
     * A view of the head weight's gradient. A gradient no backward pass has reached yet is undefined in libtorch (an
     * untied head on the first step: autograd never sees it here), so a backward of zero times the weight defines it
     * first, once.
     */
    private NDArray gradientOf(GradientCollector collector, NDManager scope) {
        NDArray w = head.weight();
        if (!Gradients.held(w)) {
            NDArray total = w.sum();
            total.attach(scope);
            collector.backward(Scalars.times(total, 0));
        }
        NDArray gradient = w.getGradient();
        gradient.attach(scope);
        return gradient;
    }
}
