package dev.aha.runtime.policy.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.aha.runtime.engine.BFloat16;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.WeightMath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A replica that applies adapters merged ({@link LoraApply#MERGED}): it keeps each adapted weight of the base as it
 * was loaded, in the replica's own type, and each version rewrites the weight as that kept base plus s B A, rounded
 * to the replica's type. Starting from the kept base every time, never from the last merged weights, no error
 * accumulates from version to version. In float32 the result is bit for bit what {@link LoraMerge#merged} gives the
 * learner; in bfloat16 or float16 it is the rounding of (the rounded base + the float32 delta), within one unit in
 * the last place of the rounding of the learner's merged weight.
 */
final class MergedBase implements AutoCloseable {

    private final Policy replica;
    private final List<LinearModule> modules;
    private final NDManager kept;
    private final Map<String, NDArray> base = new HashMap<>();

    MergedBase(Policy replica, List<LinearModule> modules) {
        this.replica = replica;
        this.modules = modules;
        this.kept = replica.manager().newSubManager();
    }

    /** Keeps a copy of every adapted weight as the replica holds it now: call once its base is loaded. */
    void keepBase() {
        base.values().forEach(NDArray::close);
        base.clear();
        for (LinearModule m : modules) {
            NDArray copy = weight(m).duplicate();
            copy.attach(kept);
            base.put(m.weight(), copy);
        }
    }

    /** Rewrites every adapted weight as the kept base plus {@code adapters}' delta. */
    void merge(LoraAdapters adapters) {
        ComputeThreads.stopRecording();
        for (LinearModule m : modules) {
            try (NDManager scope = kept.newSubManager()) {
                NDArray copy = base.get(m.weight());
                NDArray wide = copy;
                if (copy.getDataType() != DataType.FLOAT32) {
                    wide = BFloat16.holds(copy) ? BFloat16.widen(copy) : copy.toType(DataType.FLOAT32, false);
                    wide.attach(scope);
                }
                // as LoraMerge adds them, so that float32 replicas match the learner's merged weights exactly
                WeightMath.assign(weight(m), adapters.delta(m, scope).addi(wide));
            }
        }
    }

    private NDArray weight(LinearModule m) {
        return replica.parameters().get(replica.layout().indexOf(m.weight())).array();
    }

    @Override
    public void close() {
        kept.close();
    }
}
