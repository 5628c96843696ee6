package dev.aha.runtime.policy.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.policy.AdaptablePolicy;
import dev.aha.runtime.policy.AdapterSlot;
import dev.aha.runtime.policy.KvCache;
import dev.aha.runtime.policy.KvShape;
import dev.aha.runtime.policy.OutputHeadWeight;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.SlotCache;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A frozen base policy with trainable low-rank adapters on some of its linear layers ({@link LoraAdapters}). Its
 * {@link #parameters} and {@link #layout} are the adapters' alone, so whatever trains a policy trains only them:
 * AdamW keeps moments for the adapters only, gradients are recorded for them only, and a checkpoint holds them (with
 * {@link LoraRecord}, which names the base). Every forward fills the base's {@link AdapterSlot} for the length of
 * the call; called directly, the base computes without them, which makes {@link #base} the KL reference with no
 * second copy of the weights.
 *
 * <p>{@link #exportWeights} is the adapters' flat image; {@link LoraMerge#merged} is the policy as one set of
 * weights in the base's layout (what a rollout without adapters samples from).
 */
public final class LoraPolicy implements Policy {

    private final AdaptablePolicy base;
    private final LoraAdapters adapters;
    private final LoraBase baseModel;

    private LoraPolicy(AdaptablePolicy base, LoraAdapters adapters, LoraBase baseModel) {
        this.base = base;
        this.adapters = adapters;
        this.baseModel = baseModel;
    }

    /**
     * Adapters over {@code base} (which this policy then owns), initialised from {@code seed}; the base is hashed
     * once here ({@link LoraBase#sha256}).
     *
     * @param baseModel what the base is named after ({@link LoraBase#nameOf})
     * @throws IllegalArgumentException when the settings do not fit the base ({@link LoraTargets#resolve})
     */
    public static LoraPolicy over(Policy base, LoraSettings settings, String baseModel, long seed) {
        return over(base, settings, new LoraBase(baseModel, LoraBase.sha256(base)), seed);
    }

    /**
     * Adapters over {@code base} (which this policy then owns) whose identity is known already: a base stored in
     * bfloat16 is named by the float32 image it was rounded from ({@link LoraBase#sha256(FlatWeights)}).
     */
    public static LoraPolicy over(Policy base, LoraSettings settings, LoraBase baseModel, long seed) {
        AdaptablePolicy adaptable = adaptable(base);
        List<LinearModule> modules = LoraTargets.resolve(settings, base.architecture(), base.layout());
        return new LoraPolicy(adaptable, LoraAdapters.create(modules, settings, base.manager(), seed), baseModel);
    }

    /**
     * Adapters over a rollout's replica, whose base and adapters arrive over the weight plane: nothing is hashed
     * here (the base's SHA-256 comes with the base), and A and B mean nothing until the first adapters are imported.
     */
    public static LoraPolicy onReplica(Policy replica, LoraSettings settings) {
        AdaptablePolicy adaptable = adaptable(replica);
        List<LinearModule> modules = LoraTargets.resolve(settings, replica.architecture(), replica.layout());
        return new LoraPolicy(adaptable, LoraAdapters.create(modules, settings, replica.manager(), 0),
                new LoraBase(REPLICA, ""));
    }

    /** What {@link #baseModel} names on a rollout's replica, whose base is known by its label alone. */
    static final String REPLICA = "a rollout's replica";

    private static AdaptablePolicy adaptable(Policy base) {
        if (!(base instanceof AdaptablePolicy adaptable)) {
            throw new IllegalArgumentException("this " + base.architecture() + " policy takes no LoRA adapters ("
                    + (base instanceof LoraPolicy ? "it has adapters already" : "no adaptable linear layers") + ")");
        }
        return adaptable;
    }

    /** The base with adapters off (the KL reference). Its weights are frozen: never train it. */
    public Policy base() {
        return base;
    }

    public LoraAdapters adapters() {
        return adapters;
    }

    public LoraSettings settings() {
        return adapters.settings();
    }

    public LoraBase baseModel() {
        return baseModel;
    }

    @Override
    public String architecture() {
        return base.architecture();
    }

    @Override
    public int vocabSize() {
        return base.vocabSize();
    }

    @Override
    public int contextLength() {
        return base.contextLength();
    }

    /** The adapters' layout: A then B of each adapted layer. */
    @Override
    public ParameterLayout layout() {
        return adapters.layout();
    }

    @Override
    public KvShape kvShape() {
        return base.kvShape();
    }

    /** The adapters alone: the base is frozen. */
    @Override
    public List<PolicyParameter> parameters() {
        return adapters.parameters();
    }

    @Override
    public NDManager manager() {
        return base.manager();
    }

    @Override
    public NDArray hiddenStates(NDArray tokens) {
        return adapted(() -> base.hiddenStates(tokens));
    }

    /** The base's head: the output head takes no adapter. */
    @Override
    public NDArray outputHead(NDArray hidden) {
        return base.outputHead(hidden);
    }

    /** The base's head weight, frozen: the learner's chunked head backpropagates through it without training it. */
    @Override
    public Optional<OutputHeadWeight> outputHeadWeight() {
        return base.outputHeadWeight();
    }

    @Override
    public KvCache prefill(NDArray prompt, int batch) {
        return adapted(() -> base.prefill(prompt, batch));
    }

    @Override
    public NDArray step(KvCache cache, NDArray next) {
        return adapted(() -> base.step(cache, next));
    }

    @Override
    public NDArray decode(SlotCache cache, NDArray next) {
        return adapted(() -> base.decode(cache, next));
    }

    private <T> T adapted(Supplier<T> call) {
        AdapterSlot slot = base.adapterSlot();
        slot.fill(adapters);
        try {
            return call.get();
        } finally {
            slot.empty();
        }
    }

    @Override
    public void close() {
        adapters.close();
        base.close();
    }
}
