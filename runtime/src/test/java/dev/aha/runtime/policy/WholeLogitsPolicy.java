package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * A policy that keeps its output head weight to itself, so learners take the whole logits through autograd: the path
 * every step took before {@link ChunkedLogProbs}, and the reference its gradients are checked against. Closing it
 * leaves the wrapped policy open.
 */
public final class WholeLogitsPolicy implements Policy {

    private final Policy inner;

    public WholeLogitsPolicy(Policy inner) {
        this.inner = inner;
    }

    @Override
    public String architecture() {
        return inner.architecture();
    }

    @Override
    public int vocabSize() {
        return inner.vocabSize();
    }

    @Override
    public int contextLength() {
        return inner.contextLength();
    }

    @Override
    public ParameterLayout layout() {
        return inner.layout();
    }

    @Override
    public KvShape kvShape() {
        return inner.kvShape();
    }

    @Override
    public List<PolicyParameter> parameters() {
        return inner.parameters();
    }

    @Override
    public NDManager manager() {
        return inner.manager();
    }

    @Override
    public NDArray hiddenStates(NDArray tokens) {
        return inner.hiddenStates(tokens);
    }

    @Override
    public NDArray outputHead(NDArray hidden) {
        return inner.outputHead(hidden);
    }

    @Override
    public KvCache prefill(NDArray prompt, int batch) {
        return inner.prefill(prompt, batch);
    }

    @Override
    public NDArray step(KvCache cache, NDArray next) {
        return inner.step(cache, next);
    }

    @Override
    public NDArray decode(SlotCache cache, NDArray next) {
        return inner.decode(cache, next);
    }

    @Override
    public void close() {}
}
