package dev.aha.runtime.backend;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.Autocast;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.TrainPrecision;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.agent.Episodes;
import dev.aha.runtime.eval.Evaluator;
import dev.aha.runtime.grpo.PolicyLoss;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.grpo.GrpoUpdateResult;
import dev.aha.runtime.grpo.GrpoUpdater;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.policy.lora.LoraBase;
import dev.aha.runtime.policy.lora.LoraLabels;
import dev.aha.runtime.policy.lora.LoraMerge;
import dev.aha.runtime.policy.lora.LoraPolicy;
import dev.aha.runtime.policy.lora.LoraSettings;
import dev.aha.runtime.policy.lora.SharedBase;
import dev.aha.runtime.reward.ExtractMode;
import dev.aha.runtime.reward.RewardFunction;
import dev.aha.runtime.sandbox.CodeRunPool;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The real learner: GRPO on the policy with AdamW, a frozen reference for the KL term, and evaluations. Under LoRA
 * ({@code aha.lora.rank > 0}) the policy is its starting weights, frozen, with adapters ({@link LoraPolicy}): AdamW
 * trains the adapters alone, the reference is the same base with adapters off (no second copy of the weights),
 * checkpoints hold the adapters, and the weight plane carries the base once and then each version's adapters
 * ({@link #exportBase}, {@link #exportVersion}); {@link #exportWeights} is the merged model.
 */
public final class TorchTrainer implements PolicyTrainer {

    /**
     * What the evaluator needs besides the policy.
     *
     * @param extract where answers are found: the run's {@code aha.reward.extract}
     * @param codeAccuracy a code task's accuracy reward, which judges instead of the answer; null for other tasks
     * @param codePool where a code task's samples are judged side by side; null for other tasks
     */
    public record EvalSettings(Tokenizer tokenizer, PromptTemplate template, SamplingSettings sampling, long seed,
                               ExtractMode extract, RewardFunction codeAccuracy, CodeRunPool codePool,
                               Episodes episodes) {

        /** For a single-turn task. */
        public EvalSettings(Tokenizer tokenizer, PromptTemplate template, SamplingSettings sampling, long seed,
                ExtractMode extract, RewardFunction codeAccuracy, CodeRunPool codePool) {
            this(tokenizer, template, sampling, seed, extract, codeAccuracy, codePool, null);
        }
    }

    private final NDManager manager;
    private final Policy policy;
    private final AdamW optimizer;
    private final GrpoUpdater updater;
    private final EvalSettings eval;
    private final TrainPrecision precision;

    /**
     * Call on the learner's thread.
     *
     * @param logitsBudget most bytes of logits one forward may hold (micro-batches past it)
     * @param lora {@code aha.lora}; with rank 0 every weight trains. Its adapters start from {@code eval.seed()}
     * @param initial the weights to train, flat; under LoRA the frozen base (the cold start, which is also the
     *     reference)
     * @param reference the KL reference's weights (unused when beta = 0, or under LoRA)
     * @param resumeFrom a checkpoint whose weights (under LoRA: adapters) and optimiser state to restore, or null
     * @param precision how the GRPO steps compute (evaluations run in float32)
     */
    public TorchTrainer(PolicyFactory factory, Device device, GrpoSettings grpo, AdamWSettings adamw, LoraSettings lora,
            int threads, long logitsBudget, FlatWeights initial, FlatWeights reference, Path resumeFrom,
            EvalSettings eval, TrainPrecision precision) {
        ComputeThreads.prepare(threads);
        this.eval = eval;
        this.precision = precision;
        this.manager = NDManager.newBaseManager(device);
        try {
            Policy ref = null;
            if (lora.enabled()) { // the frozen base is stored as the reference would be: bf16 under bf16-mixed
                Policy base = factory.blank(manager, precision.referenceType());
                base.importWeights(initial);
                LoraPolicy adapted = LoraPolicy.over(base, lora,
                        new LoraBase(LoraBase.nameOf(factory), LoraBase.sha256(initial)), eval.seed());
                this.policy = adapted;
                ref = grpo.usesReference() ? adapted.base() : null;
            } else {
                Policy start = factory.blank(manager);
                start.importWeights(initial);
                this.policy = start;
                if (grpo.usesReference()) {
                    ref = factory.blank(manager, precision.referenceType());
                    ref.importWeights(reference);
                }
            }
            this.optimizer = new AdamW(policy.parameters(), adamw, manager);
            if (resumeFrom != null) {
                CheckpointStore.load(resumeFrom, policy, optimizer);
            }
            this.updater = new GrpoUpdater(policy, ref, optimizer, PolicyLoss.of(grpo), eval.sampling().temperature(),
                    eval.tokenizer().padId(), logitsBudget);
        } catch (RuntimeException e) {
            manager.close(); // a refused start (a checkpoint that does not fit) leaves no native memory behind
            throw e;
        }
    }

    @Override
    public GrpoUpdateResult update(List<GrpoSample> samples) {
        try (Autocast ignored = precision.scope()) {
            return updater.update(samples);
        }
    }

    @Override
    public FlatWeights exportWeights() {
        return policy instanceof LoraPolicy adapted ? LoraMerge.merged(adapted) : policy.exportWeights();
    }

    @Override
    public PlaneImage exportBase() {
        return policy instanceof LoraPolicy adapted
                ? new PlaneImage(adapted.base().exportWeights(), LoraLabels.base(adapted)) : null;
    }

    @Override
    public Optional<SharedBase.Offer> frozenBase() {
        return policy instanceof LoraPolicy adapted
                ? Optional.of(new SharedBase.Offer(adapted.base(), adapted.baseModel().sha256())) : Optional.empty();
    }

    @Override
    public PlaneImage exportVersion() {
        if (policy instanceof LoraPolicy adapted) {
            return new PlaneImage(adapted.exportWeights(), LoraLabels.adapters(adapted));
        }
        return PolicyTrainer.super.exportVersion();
    }

    @Override
    public void checkpoint(CheckpointStore store, long step, ObjectNode state) {
        store.save(step, policy, optimizer, state);
    }

    @Override
    public Optional<EvalResult> evaluate(List<TaskPrompt> heldOut, int k, boolean greedy) {
        ComputeThreads.stopRecording();
        Evaluator evaluator = new Evaluator(policy, eval.tokenizer(), eval.template(), eval.sampling(), k,
                eval.seed(), eval.extract());
        if (eval.codeAccuracy() != null) {
            evaluator = evaluator.scoringWith(eval.codeAccuracy(), eval.codePool());
        }
        if (eval.episodes() != null) {
            evaluator = evaluator.inEpisodes(eval.episodes());
        }
        if (!greedy) {
            evaluator = evaluator.withoutGreedy();
        }
        return Optional.of(evaluator.evaluate(heldOut, null));
    }

    @Override
    public void close() {
        manager.close();
    }
}
