package dev.aha.app.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.bench.ConfigOptions;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelWriter;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import dev.aha.runtime.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha export}: a checkpoint of a Hugging Face policy written back as a Hugging Face directory (config.json,
 * model.safetensors under transformers' names, generation_config.json, the tokenizer files), which transformers and
 * vLLM load as they would the original model.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a checkpoint as a Hugging Face model directory.",
            "Checkpoints of llama, qwen2 and qwen3 policies export; transformers and vLLM load the directory as they "
                    + "would the original model."})
public final class ExportCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "An Aha checkpoint, or a folder of them (its latest), or a run's folder.")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty directory.")
    Path out;

    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "f32|bf16",
            description = "Tensor type in model.safetensors (default: ${DEFAULT-VALUE}; f32 is bit-exact).")
    String dtype;

    @Option(names = "--tokenizer", paramLabel = "DIR",
            description = "Tokenizer files to copy in (default: the one the checkpoint records).")
    Path tokenizer;

    @Mixin
    ConfigOptions settings = new ConfigOptions();

    @Override
    public Integer call() {
        Path dir = CheckpointStore.resolve(checkpoint);
        ObjectNode described = CheckpointStore.policyDescription(dir).orElseThrow(() -> new IllegalArgumentException(
                dir + " has no policy.json: only checkpoints of a Hugging Face policy (aha train --model) export"));
        RunConfig config = ModelOptions.of(settings).loadFor(dir, Map.of());
        if (!(config.policy() instanceof HfModel model)) {
            throw new IllegalArgumentException(dir + " holds a " + config.policy().architecture() + " policy: only "
                    + "llama, qwen2 and qwen3 policies export to Hugging Face format");
        }
        SafetensorsDType type = switch (dtype) {
            case "f32" -> SafetensorsDType.F32;
            case "bf16" -> SafetensorsDType.BF16;
            default -> throw new IllegalArgumentException("--dtype must be f32 or bf16, was '" + dtype + "'");
        };
        String recorded = described.path("tokenizer").asText(Tokenizers.CHAR);
        Path tokenizerDir = tokenizer != null ? tokenizer : Tokenizers.CHAR.equals(recorded) ? null : Path.of(recorded);
        ComputeThreads.prepare(1);
        try (NDManager manager = NDManager.newBaseManager(config.devices().learner());
                Policy policy = model.blank(manager)) {
            CheckpointStore.load(dir, policy, null);
            Path written = model.export(policy, out, HfModelWriter.Options.float32(tokenizerDir).withDtype(type));
            System.err.printf("aha export: %s (%s, %,d parameters, %s) -> %s%n", dir, model.architecture(),
                    model.layout().totalElements(), dtype, written.toAbsolutePath());
        }
        return 0;
    }
}
