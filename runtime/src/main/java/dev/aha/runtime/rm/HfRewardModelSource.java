package dev.aha.runtime.rm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.hf.HfCheckpoint;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelWriter;
import dev.aha.runtime.policy.hf.HfSequenceClassification;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import dev.aha.runtime.policy.llama.LlamaConfig;
import dev.aha.runtime.policy.llama.LlamaPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Hugging Face directory as a reward model: a {@code *ForSequenceClassification} (llama, qwen2, qwen3) with its
 * score head, or a causal model of those types whose decoder starts a reward model with a fresh head (its lm_head
 * is left behind), as {@code AutoModelForSequenceClassification.from_pretrained(causal_dir, num_labels=1)} does.
 */
public final class HfRewardModelSource implements RewardModelSource {

    private final Path dir;
    private final ObjectNode json;
    private final LlamaConfig config;
    private final int contextLength;
    private final boolean classifier;
    private final int numLabels;
    private final Integer padTokenId;

    private HfRewardModelSource(Path dir, HfModel model, boolean classifier, int numLabels, Integer padTokenId) {
        this.dir = dir;
        this.json = model.configJson();
        this.config = model.config();
        this.contextLength = model.contextLength();
        this.classifier = classifier;
        this.numLabels = numLabels;
        this.padTokenId = padTokenId;
    }

    /**
     * Reads config.json (the weights are read by {@link #create}).
     *
     * @param padFallback the pad token of a fresh head when config.json names none (the tokenizer's, as TRL sets it)
     */
    public static HfRewardModelSource open(Path dir, int maxContext, Integer padFallback) {
        HfModel model = HfModel.open(dir, maxContext);
        ObjectNode json = model.configJson();
        boolean classifier = HfSequenceClassification.isSequenceClassifier(json);
        int labels = classifier ? HfSequenceClassification.numLabels(json) : 1;
        if (labels < 1) {
            throw new IllegalArgumentException(dir.resolve("config.json") + ": num_labels must be positive, was "
                    + labels);
        }
        Integer pad = HfSequenceClassification.padTokenId(json);
        return new HfRewardModelSource(dir, model, classifier, labels, pad != null || classifier ? pad : padFallback);
    }

    @Override
    public String architecture() {
        return HfSequenceClassification.className(config.modelType());
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public int numLabels() {
        return numLabels;
    }

    @Override
    public Integer padTokenId() {
        return padTokenId;
    }

    @Override
    public boolean hasScoreHead() {
        return classifier;
    }

    @Override
    public String tokenizer() {
        return Files.isRegularFile(dir.resolve("tokenizer.json")) ? dir.toString() : null;
    }

    @Override
    public RewardModel create(NDManager parent, long seed) {
        LlamaPolicy trunk = LlamaPolicy.zeros(HfSequenceClassification.trunk(config), contextLength, parent);
        try (HfCheckpoint checkpoint = HfCheckpoint.open(dir)) {
            NDArray score;
            if (classifier) {
                score = trunk.manager().zeros(HfSequenceClassification.scoreShape(numLabels, config.hiddenSize()));
                List<PolicyParameter> all = new ArrayList<>(trunk.parameters());
                all.add(new PolicyParameter(HfSequenceClassification.SCORE, score.getShape(), score));
                checkpoint.loadInto(all, HfSequenceClassification.layout(config, numLabels), Set.of());
            } else {
                checkpoint.loadInto(trunk.parameters(), trunk.layout(), Set.of(LlamaConfig.Names.LM_HEAD));
                score = RewardModelSource.freshHead(trunk.manager(), numLabels, config.hiddenSize(), seed);
            }
            return new RewardModel(trunk, score, padTokenId, Set.of());
        } catch (RuntimeException e) {
            trunk.close();
            throw e;
        }
    }

    @Override
    public Path write(RewardModel model, Path target, SafetensorsDType dtype) {
        ObjectNode out = numLabels == 1 ? HfSequenceClassification.rewardConfig(json, config.modelType(), padTokenId)
                : json.deepCopy();
        Path tokenizer = tokenizer() == null ? null : dir;
        return HfModelWriter.writeParameters(model.parameters(), out, target,
                HfModelWriter.Options.float32(tokenizer).withDtype(dtype));
    }
}
