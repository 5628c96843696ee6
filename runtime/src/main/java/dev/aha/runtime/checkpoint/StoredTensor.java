package dev.aha.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import java.util.ArrayList;
import java.util.List;

/**
 * A tensor as a checkpoint file names it, with the live array its bytes come from on save and go back into on load:
 * checkpoints copy nothing but to and from the file.
 */
record StoredTensor(String name, NDArray array) {

    /** The policy's weights, named as in its {@link dev.aha.runtime.policy.ParameterLayout}. */
    static List<StoredTensor> weights(Policy policy) {
        List<StoredTensor> tensors = new ArrayList<>();
        for (PolicyParameter p : policy.parameters()) {
            tensors.add(new StoredTensor(p.name(), p.array()));
        }
        return tensors;
    }

    /** AdamW's first and second moments, "m.&lt;name&gt;" and "v.&lt;name&gt;" of each parameter, in layout order. */
    static List<StoredTensor> moments(Policy policy, AdamW optimizer) {
        List<NDArray> moments = optimizer.moments();
        int n = policy.parameters().size();
        List<StoredTensor> tensors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = policy.parameters().get(i).name();
            tensors.add(new StoredTensor("m." + name, moments.get(i)));
            tensors.add(new StoredTensor("v." + name, moments.get(n + i)));
        }
        return tensors;
    }
}
