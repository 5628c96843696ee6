package dev.aha.runtime.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Weights stored in bfloat16, multiplied against float32 activations.
 *
 * <p>DJL 0.36's PyTorch engine maps no DJL type to {@code torch.bfloat16}: creating or casting an array to it aborts
 * the JVM. A TorchScript module can make them ({@link ScriptKernels}); DJL then holds them as arrays of
 * {@link DataType#UNKNOWN} type, and the module's methods multiply them: the activation is rounded to bfloat16 at each product (as in a bf16 model),
 * oneDNN accumulates in float32 on the CPU's AVX-512 BF16 units, and the result comes back as float32. Norms,
 * attention and sampling stay in float32.
 *
 * <p>Arrays are made in the manager of the activation passed in (of the float32 source for {@link #narrow}), as every
 * op of the policies does. Every product records autograd as the thread has it: a bfloat16 weight takes no gradient,
 * but the activation's flows through it (a frozen bf16 base under adapters); the mixed products against float32
 * weights take the weight's too (training under bf16-mixed).
 */
public final class BFloat16 {

    private BFloat16() {}

    /** Whether {@code a} is one of the bfloat16 arrays made here (the only arrays of unknown type Aha makes). */
    public static boolean holds(NDArray a) {
        return a.getDataType() == DataType.UNKNOWN;
    }

    /** A bfloat16 copy of {@code source}, in its manager. */
    public static NDArray narrow(NDArray source) {
        return call("narrow", source.getManager(), source);
    }

    /** Overwrites the bfloat16 {@code target} with {@code source} (float32, same shape), rounding to nearest even. */
    public static void copyInto(NDArray target, NDArray source) {
        if (!holds(target)) {
            throw new IllegalArgumentException("copyInto writes bfloat16 arrays, not " + target.getDataType());
        }
        ScriptKernels.run("copy_into", target, source);
    }

    /** nn.Linear against a bfloat16 weight stored [out, in]: x W^T (+ b), float32 out. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        NDArray y = call("linear", x.getManager(), x, weight);
        return bias == null ? y : y.add(bias);
    }

    /**
     * nn.Linear against a float32 weight, computed in bfloat16 with autograd (see {@link TrainPrecision}): x and W
     * rounded to bfloat16, their product accumulated in float32, (+ b) in float32.
     */
    public static NDArray mixedLinear(NDArray x, NDArray weight, NDArray bias) {
        NDArray y = ScriptKernels.array("linear_mixed", x.getManager(), x, weight);
        return bias == null ? y : y.add(bias);
    }

    /** x W against a float32 weight stored [in, out], computed in bfloat16 with autograd. */
    public static NDArray mixedMatMul(NDArray x, NDArray weight) {
        return ScriptKernels.array("matmul_mixed", x.getManager(), x, weight);
    }

    /** x W against a bfloat16 weight stored [in, out], float32 out. */
    public static NDArray matMul(NDArray x, NDArray weight) {
        return call("matmul", x.getManager(), x, weight);
    }

    /** The rows of a bfloat16 table at {@code ids}, float32 out. */
    public static NDArray embedding(NDArray ids, NDArray table) {
        return call("embedding", ids.getManager(), ids, table);
    }

    /** The float32 value of a bfloat16 array (exact). */
    public static NDArray widen(NDArray a) {
        return a.toType(DataType.FLOAT32, false);
    }

    private static NDArray call(String method, NDManager into, NDArray... args) {
        return ScriptKernels.array(method, into, args);
    }
}
