package dev.aha.runtime.policy.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.pytorch.jni.JniUtils;
import dev.aha.runtime.engine.AlignedArrays;
import dev.aha.runtime.engine.Scalars;
import dev.aha.runtime.policy.AdapterSlot;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.WeightMath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The adapters' weights, A [rank, in] and B [out, rank] for each adapted layer, and the term each adds:
 *
 * <pre>
 *   y = x W^T (+b) + s * (dropout(x) A^T) B^T        s = alpha / rank (alpha / sqrt(rank) with rslora)
 * </pre>
 *
 * computed through the rank-r bottleneck, never forming B A. The same term serves the built-in GPT, whose W is
 * stored [in, out] (y = x W + b): only the merged weight differs, W + s (B A)^T ({@link #delta}). Dropout (PEFT's
 * lora_dropout) applies to the adapter path's input only, and only while the engine records gradients: a
 * training forward, never sampling, evaluation or the reference.
 *
 * <p>Memory rule: every op of the term takes the activation first, so its intermediates land in the caller's scope.
 */
public final class LoraAdapters implements AdapterSlot.Adapters, AutoCloseable {

    private record Pair(LinearModule module, NDArray a, NDArray b) {}

    private final LoraSettings settings;
    private final List<LinearModule> modules;
    private final NDManager manager;
    private final List<PolicyParameter> parameters;
    private final ParameterLayout layout;
    private final Map<String, Pair> byWeight = new HashMap<>();
    private final NDArray scaling;

    private LoraAdapters(LoraSettings settings, List<LinearModule> modules, NDManager manager,
            List<PolicyParameter> parameters) {
        this.settings = settings;
        this.modules = List.copyOf(modules);
        this.manager = manager;
        this.parameters = List.copyOf(parameters);
        ParameterLayout.Builder b = ParameterLayout.builder();
        parameters.forEach(p -> b.add(p.name(), p.shape().getShape()));
        this.layout = b.build();
        for (int i = 0; i < modules.size(); i++) {
            byWeight.put(modules.get(i).weight(), new Pair(modules.get(i), parameters.get(2 * i).array(),
                    parameters.get(2 * i + 1).array()));
        }
        this.scaling = Scalars.constant(manager, settings.scaling());
    }

    /**
     * Adapters for {@code modules}, initialised as {@code settings.init()} says from a Java RNG seeded with
     * {@code seed} (the engine's RNG is global across threads), in a sub-manager of {@code parent}, on its device.
     */
    public static LoraAdapters create(List<LinearModule> modules, LoraSettings settings, NDManager parent, long seed) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("adapters need aha.lora.rank > 0");
        }
        NDManager manager = parent.newSubManager();
        Random rng = new Random(seed);
        int r = settings.rank();
        List<PolicyParameter> params = new ArrayList<>();
        for (LinearModule m : modules) {
            float[] a = new float[r * m.in()];
            float[] b = new float[m.out() * r];
            if (settings.init() == LoraInit.GAUSSIAN) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (rng.nextGaussian() / r);
                }
            } else {
                uniform(rng, a, 1 / Math.sqrt(m.in())); // kaiming_uniform_(a=sqrt(5)) on [r, in]
            }
            if (settings.init() == LoraInit.RANDOM) {
                uniform(rng, b, 1 / Math.sqrt(r));
            }
            params.add(parameter(manager, m.loraA(), a, new Shape(r, m.in())));
            params.add(parameter(manager, m.loraB(), b, new Shape(m.out(), r)));
        }
        return new LoraAdapters(settings, modules, manager, params);
    }

    private static void uniform(Random rng, float[] values, double bound) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }

    private static PolicyParameter parameter(NDManager manager, String name, float[] values, Shape shape) {
        NDArray array = AlignedArrays.of(manager, values, shape);
        array.setName(name);
        return new PolicyParameter(name, shape, array);
    }

    public LoraSettings settings() {
        return settings;
    }

    /** The adapted layers, in the base's layout order. */
    public List<LinearModule> modules() {
        return modules;
    }

    /** A then B of each adapted layer, in module order: what the optimiser trains and a checkpoint holds. */
    public List<PolicyParameter> parameters() {
        return parameters;
    }

    public ParameterLayout layout() {
        return layout;
    }

    @Override
    public NDArray add(String weight, NDArray x, NDArray y) {
        Pair p = byWeight.get(weight);
        if (p == null) {
            return y;
        }
        NDArray in = x.getDataType() == p.a().getDataType() ? x : x.toType(p.a().getDataType(), false);
        if (settings.dropout() > 0 && JniUtils.isGradMode()) {
            in = Dropout.dropout(in, (float) settings.dropout(), true).singletonOrThrow();
        }
        // WeightMath, as the base's own products: in bfloat16 under the learner's bf16-mixed autocast, as PEFT's
        // lora_A and lora_B (nn.Linear) run under torch.autocast
        NDArray down = WeightMath.linear(in, p.a(), null).mul(scaling); // s * x A^T: (..., r)
        NDArray term = WeightMath.linear(down, p.b(), null); // (..., out)
        return y.add(term.getDataType() == y.getDataType() ? term : term.toType(y.getDataType(), false));
    }

    /**
     * What merging adds to the layer's weight, in the weight's own orientation: s B A [out, in], or its transpose
     * [in, out] for a weight stored input-major. In {@code scope}; call with gradient recording off.
     */
    public NDArray delta(LinearModule m, NDManager scope) {
        Pair p = byWeight.get(m.weight());
        if (p == null) {
            throw new IllegalArgumentException("no adapter on " + m.module());
        }
        NDArray a = p.a().duplicate();
        NDArray b = p.b().duplicate();
        a.attach(scope);
        b.attach(scope);
        NDArray product = m.inputMajor() ? a.transpose().matMul(b.transpose()) : b.matMul(a);
        return Scalars.times(product, settings.scaling());
    }

    @Override
    public void close() {
        manager.close();
    }
}
