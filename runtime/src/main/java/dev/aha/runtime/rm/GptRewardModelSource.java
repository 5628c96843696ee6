package dev.aha.runtime.rm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.policy.hf.HfCheckpoint;
import dev.aha.runtime.policy.hf.HfSequenceClassification;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import dev.aha.runtime.policy.hf.SafetensorsWriter;
import dev.aha.runtime.policy.hf.TensorBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The built-in GPT as a reward model: its decoder and a score head [num_labels, d] on its final LayerNorm. Stored as
 * a directory of {@code reward-model.json} (the GPT's description, num_labels, pad_token_id, the tokenizer) and
 * {@code model.safetensors} (every GPT weight under its layout name, then {@code score.weight}); or started from a
 * policy checkpoint ({@code aha sft}'s, {@code aha train}'s) with a fresh head. The GPT's output head is kept in the
 * file and never trained.
 */
public final class GptRewardModelSource implements RewardModelSource {

    public static final String DESCRIPTION = "reward-model.json";
    public static final String FORMAT = "aha-reward-model-1";
    private static final String GPT_HEAD = "head";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final GptFactory factory;
    private final ObjectNode policy;
    private final int numLabels;
    private final Integer padTokenId;
    private final String tokenizer;
    private final boolean checkpoint;

    private GptRewardModelSource(Path dir, ObjectNode policy, int numLabels, Integer padTokenId, String tokenizer,
            boolean checkpoint) {
        this.dir = dir;
        this.policy = policy;
        this.factory = GptFactory.fromDescription(policy);
        this.numLabels = numLabels;
        this.padTokenId = padTokenId;
        this.tokenizer = tokenizer;
        this.checkpoint = checkpoint;
    }

    /** A directory written by {@link #write}. */
    public static GptRewardModelSource fromDirectory(Path dir) {
        Path file = dir.resolve(DESCRIPTION);
        JsonNode d;
        try {
            d = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        if (d == null || !FORMAT.equals(d.path("format").asText()) || !(d.get("policy") instanceof ObjectNode p)) {
            throw new IllegalArgumentException(file + " is not a reward model description (format " + FORMAT + ")");
        }
        JsonNode pad = d.get("pad_token_id");
        return new GptRewardModelSource(dir, p, d.path("num_labels").asInt(1),
                pad == null || !pad.canConvertToInt() ? null : pad.asInt(), d.path("tokenizer").asText(null), false);
    }

    /** A GPT policy checkpoint (or a folder of them) whose decoder starts a reward model with a fresh head. */
    public static GptRewardModelSource fromCheckpoint(Path dir, Integer padTokenId) {
        Path resolved = CheckpointStore.resolve(dir);
        ObjectNode described = CheckpointStore.policyDescription(resolved).orElseThrow(() ->
                new IllegalArgumentException(resolved + " has no policy.json: it does not say which model it holds"));
        String architecture = described.path("architecture").asText("");
        if (!GptConfig.ARCHITECTURE.equals(architecture)) {
            throw new IllegalArgumentException(resolved + " holds a " + architecture + " policy: export it with aha "
                    + "export and give the Hugging Face directory");
        }
        return new GptRewardModelSource(resolved, described, 1, padTokenId, described.path("tokenizer").asText(null),
                true);
    }

    @Override
    public String architecture() {
        return GptConfig.ARCHITECTURE;
    }

    @Override
    public int contextLength() {
        return factory.contextLength();
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
        return !checkpoint;
    }

    @Override
    public String tokenizer() {
        return tokenizer;
    }

    @Override
    public RewardModel create(NDManager parent, long seed) {
        Policy trunk = factory.create(parent);
        try {
            int d = factory.config().modelDim();
            NDArray score;
            if (checkpoint) {
                CheckpointStore.load(dir, trunk, null);
                score = RewardModelSource.freshHead(trunk.manager(), numLabels, d, seed);
            } else {
                score = trunk.manager().zeros(HfSequenceClassification.scoreShape(numLabels, d));
                RewardModel model = new RewardModel(trunk, score, padTokenId, Set.of(GPT_HEAD));
                try (HfCheckpoint file = HfCheckpoint.open(dir)) {
                    file.loadInto(model.parameters(), model.layout(), Set.of());
                }
                return model;
            }
            return new RewardModel(trunk, score, padTokenId, Set.of(GPT_HEAD));
        } catch (RuntimeException e) {
            trunk.close();
            throw e;
        }
    }

    @Override
    public Path write(RewardModel model, Path target, SafetensorsDType dtype) {
        ObjectNode d = JSON.createObjectNode().put("format", FORMAT);
        ObjectNode described = policy.deepCopy();
        described.remove("tokenizer");
        d.set("policy", described);
        d.put("num_labels", model.numLabels());
        if (padTokenId != null) {
            d.put("pad_token_id", padTokenId);
        }
        if (tokenizer != null) {
            d.put("tokenizer", tokenizer);
        }
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (PolicyParameter p : model.parameters()) {
            tensors.add(new SafetensorsWriter.Tensor(p.name(), p.shape().getShape(),
                    use -> TensorBytes.read(p.array(), use)));
        }
        try {
            if (Files.exists(target) && (!Files.isDirectory(target) || !isEmpty(target))) {
                throw new IllegalArgumentException(target + " exists and is not an empty directory");
            }
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + "-");
            SafetensorsWriter.write(staging.resolve(HfCheckpoint.SINGLE_FILE), tensors, dtype, Map.of("format", "pt"));
            Files.writeString(staging.resolve(DESCRIPTION), JSON.writeValueAsString(d) + "\n");
            Files.deleteIfExists(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the reward model " + target, e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
