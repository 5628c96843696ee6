package dev.aha.app.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.bench.ConfigOptions;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.gguf.GgmlType;
import dev.aha.runtime.policy.gguf.GgufModelWriter;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelWriter;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import dev.aha.runtime.policy.lora.LoraMerge;
import dev.aha.runtime.policy.lora.LoraPolicy;
import dev.aha.runtime.policy.lora.LoraRecord;
import dev.aha.runtime.policy.lora.PeftAdapterFiles;
import dev.aha.runtime.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha export}: a checkpoint of a Hugging Face policy written back as a Hugging Face directory (config.json,
 * model.safetensors under transformers' names, generation_config.json, the tokenizer files), which transformers and
 * vLLM load as they would the original model; or, with {@code --format gguf}, as one GGUF file with its vocabulary
 * and chat template, which llama.cpp and Ollama load. A checkpoint of LoRA adapters exports as PEFT's adapter files
 * ({@code --adapter}: adapter_config.json and adapter_model.safetensors, which PEFT and vLLM load over the base) or as
 * the merged model ({@code --merge}, in either format); both first load the adapters onto their base
 * ({@link AdapterExport}).
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a checkpoint as a Hugging Face directory or a GGUF file.",
            "Checkpoints of llama, qwen2 and qwen3 policies export; transformers and vLLM load the directory as they "
                    + "would the original model, llama.cpp and Ollama load the GGUF file. A checkpoint of LoRA "
                    + "adapters exports as PEFT's adapter files (--adapter) or as the merged model (--merge)."})
public final class ExportCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "An Aha checkpoint, or a folder of them (its latest), or a run's folder; or a reward model "
                    + "directory (aha rm train's).")
    Path checkpoint;

    @Option(names = "--format", defaultValue = "hf", paramLabel = "hf|gguf",
            description = "hf: a Hugging Face directory; gguf: one GGUF file (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "PATH",
            description = "hf: a new or empty directory; gguf: a new file, e.g. model.gguf.")
    Path out;

    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "f32|f16|bf16|q8_0",
            description = "Tensor type of the weights: f32 (bit-exact) or bf16 for hf; f32, f16, bf16 or q8_0 for "
                    + "gguf, whose norms and biases stay f32 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--tokenizer", paramLabel = "DIR",
            description = "Tokenizer files to copy in (hf) or to write as the vocabulary (gguf) (default: the one the "
                    + "checkpoint records).")
    Path tokenizer;

    @Option(names = "--adapter",
            description = "A checkpoint of LoRA adapters as PEFT's adapter_config.json and adapter_model.safetensors "
                    + "(--format hf), loaded over the base with PeftModel.from_pretrained.")
    boolean adapter;

    @Option(names = "--merge",
            description = "A checkpoint of LoRA adapters as one model: every weight W + scaling * B A.")
    boolean merge;

    @Option(names = "--base", paramLabel = "DIR",
            description = "The adapters' base model directory (default: the one the checkpoint names); its weights "
                    + "must hash as when the adapters were trained.")
    Path base;

    @Mixin
    ConfigOptions settings = new ConfigOptions();

    @Override
    public Integer call() {
        boolean gguf = switch (format) {
            case "hf" -> false;
            case "gguf" -> true;
            default -> throw new IllegalArgumentException("--format must be hf or gguf, was '" + format + "'");
        };
        GgmlType ggufType = gguf ? GgmlType.parse(dtype) : null;
        SafetensorsDType hfType = gguf ? null : switch (dtype) {
            case "f32" -> SafetensorsDType.F32;
            case "bf16" -> SafetensorsDType.BF16;
            default -> throw new IllegalArgumentException("--dtype must be f32 or bf16 for --format hf, was '" + dtype
                    + "' (f16 and q8_0 are for --format gguf)");
        };
        if (RewardModelExport.isRewardModel(checkpoint)) {
            if (gguf || adapter || merge) {
                throw new IllegalArgumentException(checkpoint + " is a reward model: it exports with --format hf only");
            }
            RewardModelExport.export(checkpoint, out, hfType);
            return 0;
        }
        Path dir = CheckpointStore.resolve(checkpoint);
        Optional<LoraRecord> adapters = CheckpointStore.adapters(dir);
        AdapterExport.Mode mode = AdapterExport.mode(dir, adapters, adapter, merge, gguf);
        ObjectNode described = CheckpointStore.policyDescription(dir).orElseThrow(() -> new IllegalArgumentException(
                dir + " has no policy.json: only checkpoints of a Hugging Face policy (aha train --model) export"));
        RunConfig config = ModelOptions.of(settings).loadFor(dir, Map.of());
        if (!(config.policy() instanceof HfModel model)) {
            throw new IllegalArgumentException(dir + " holds a " + config.policy().architecture() + " policy: only "
                    + "llama, qwen2 and qwen3 policies export (to Hugging Face or GGUF)");
        }
        String recorded = described.path("tokenizer").asText(Tokenizers.CHAR);
        Path tokenizerDir = tokenizer != null ? tokenizer : Tokenizers.CHAR.equals(recorded) ? null : Path.of(recorded);
        if (gguf && tokenizerDir == null) {
            throw new IllegalArgumentException("a GGUF file carries its vocabulary and " + dir + " records no Hugging "
                    + "Face tokenizer: give --tokenizer DIR");
        }
        ComputeThreads.prepare(1);
        try (NDManager manager = NDManager.newBaseManager(config.devices().learner());
                Policy loaded = mode == AdapterExport.Mode.WHOLE ? model.blank(manager)
                        : AdapterExport.load(dir, adapters.get(), model, base, manager)) {
            if (mode == AdapterExport.Mode.ADAPTER) {
                LoraPolicy adapted = (LoraPolicy) loaded;
                Path written = PeftAdapterFiles.write(adapted, adapted.baseModel().model(), out, hfType);
                System.err.printf("aha export: %s (LoRA rank %d on %s, %,d parameters, PEFT %s) -> %s%n", dir,
                        adapted.settings().rank(), adapted.baseModel().model(), adapted.layout().totalElements(),
                        dtype, written.toAbsolutePath());
                return 0;
            }
            Policy policy = loaded;
            if (mode == AdapterExport.Mode.WHOLE) {
                CheckpointStore.load(dir, policy, null);
            } else {
                policy = LoraMerge.mergeIntoBase((LoraPolicy) loaded);
            }
            Path written = gguf
                    ? GgufModelWriter.write(policy, model.config(), out,
                            new GgufModelWriter.Options(ggufType, tokenizerDir, ggufName(out)))
                    : model.export(policy, out, HfModelWriter.Options.float32(tokenizerDir).withDtype(hfType));
            System.err.printf("aha export: %s (%s, %,d parameters, %s %s) -> %s%n", dir, model.architecture(),
                    model.layout().totalElements(), format, dtype, written.toAbsolutePath());
        }
        return 0;
    }

    /** general.name of the GGUF file: its own name without the extension, as a user chose it. */
    private static String ggufName(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".gguf") ? name.substring(0, name.length() - ".gguf".length()) : name;
    }
}
