package dev.aha.runtime.policy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import dev.aha.runtime.engine.Autocast;
import dev.aha.runtime.engine.BFloat16;
import dev.aha.runtime.engine.Float16;
import dev.aha.runtime.engine.HalfGemv;
import dev.aha.runtime.engine.ScriptKernels;

/**
 * The products of a policy against its weights, whatever type the weights are stored in: float32 and float16 through
 * DJL's own ops (activations in the weights' type; float16 widened for many rows, see {@link Float16}, and one row
 * through {@link HalfGemv}'s loop), bfloat16 through {@link BFloat16} (activations in float32, each
 * product rounding its input to bfloat16). Under {@link Autocast} (the learner's {@code bf16-mixed} precision) the
 * products against float32 weights run in bfloat16 too, with autograd.
 */
public final class WeightMath {

    private WeightMath() {}

    /** nn.Linear: x W^T (+ b), with W stored [out, in] as in a checkpoint. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        if (BFloat16.holds(weight)) {
            return BFloat16.linear(x, weight, bias);
        }
        if (Autocast.bf16()) {
            return BFloat16.mixedLinear(x, weight, bias);
        }
        if (HalfGemv.applies(x, weight, bias)) {
            return HalfGemv.linear(x, weight, bias);
        }
        if (Float16.widens(x, weight)) {
            return Float16.widenedLinear(x, weight, bias);
        }
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }

    /** x W, with W stored [in, out]. */
    public static NDArray matMul(NDArray x, NDArray weight) {
        if (BFloat16.holds(weight)) {
            return BFloat16.matMul(x, weight);
        }
        if (Autocast.bf16()) {
            return BFloat16.mixedMatMul(x, weight);
        }
        return Float16.widens(x, weight) ? Float16.widenedMatMul(x, weight) : x.matMul(weight);
    }

    /** The rows of {@code table} at {@code ids}. */
    public static NDArray embedding(NDArray ids, NDArray table) {
        if (BFloat16.holds(table)) {
            return BFloat16.embedding(ids, table);
        }
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * {@code f32} as a policy stores a weight that it multiplies in {@code type}: itself for float32, a copy for the
     * narrow types (closing {@code f32}).
     */
    public static NDArray stored(NDArray f32, DataType type) {
        if (type == DataType.FLOAT32) {
            return f32;
        }
        NDArray narrow = type == DataType.BFLOAT16 ? BFloat16.narrow(f32) : f32.toType(type, false);
        f32.close();
        return narrow;
    }

    /**
     * Overwrites {@code target}, a weight stored in any type on any device, with the values of the float32 array
     * {@code f32}, in place and natively (torch's copy_ rounds to the target's type): no host copy in between.
     */
    public static void assign(NDArray target, NDArray f32) {
        ScriptKernels.run("copy_into", target, f32);
    }

    /**
     * {@code weight} as a float32 array on the CPU, in {@code into}: a copy unless it already is one (then itself).
     */
    public static NDArray hostFloat32(NDArray weight, NDManager into) {
        if (weight.getDataType() == DataType.FLOAT32 && Device.Type.CPU.equals(weight.getDevice().getDeviceType())) {
            return weight;
        }
        // A bfloat16 array is widened before it moves: DJL cannot name its type in the move.
        NDArray wide = BFloat16.holds(weight) ? BFloat16.widen(weight) : weight;
        NDArray host = wide.toDevice(Device.cpu(), wide == weight);
        if (wide != weight && host != wide) {
            wide.close();
        }
        host.attach(into);
        NDArray f32 = host.toType(DataType.FLOAT32, false);
        f32.attach(into);
        return f32;
    }

    /**
     * The type a policy whose product weights are stored in {@code type} computes activations, KV caches, norms and
     * their weights in: float32 under bfloat16 weights, else the weights' own type.
     */
    public static DataType activationType(DataType type) {
        return type == DataType.BFLOAT16 ? DataType.FLOAT32 : type;
    }
}
