package dev.aha.runtime.policy.lora;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import dev.aha.runtime.policy.hf.SafetensorsWriter;
import dev.aha.runtime.policy.hf.TensorBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes adapters as Hugging Face PEFT saves a LoRA adapter ({@code PeftModel.save_pretrained}), which
 * {@code PeftModel.from_pretrained(base, dir)} and vLLM's LoRA loader read:
 *
 * <pre>
 *   adapter_config.json         LoraConfig.to_dict(), keys sorted (PeftConfigMixin.save_pretrained)
 *   adapter_model.safetensors   get_peft_model_state_dict: base_model.model.&lt;module&gt;.lora_A.weight [r, in] and
 *                               .lora_B.weight [out, r] (the adapter name removed), metadata {"format": "pt"}
 * </pre>
 *
 * The keys are those of PEFT 0.20 (src/peft/config.py PeftConfig, src/peft/tuners/lora/config.py LoraConfig) that
 * older releases also know, at the values this adapter has ({@link #targetModules} for target_modules). Only the
 * Llama family exports: the keys and names are transformers'. The fixture
 * {@code src/test/fixtures/peft/tiny-qwen3-lora.json} lists what PEFT writes for a tiny model, and where in PEFT
 * each part comes from.
 */
public final class PeftAdapterFiles {

    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    /** PeftModel.base_model (the LoraModel) . model (the transformers model): the prefix of every saved tensor. */
    public static final String PREFIX = "base_model.model.";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PeftAdapterFiles() {}

    /**
     * adapter_config.json's content for {@code policy}'s adapters over {@code baseModelNameOrPath}, its keys in
     * sorted order as PEFT writes them.
     */
    public static ObjectNode config(LoraPolicy policy, String baseModelNameOrPath) {
        LoraSettings s = policy.settings();
        ObjectNode c = JSON.createObjectNode();
        c.putObject("alpha_pattern");
        c.putNull("auto_mapping");
        c.put("base_model_name_or_path", baseModelNameOrPath);
        c.put("bias", "none");
        c.put("fan_in_fan_out", false); // transformers' nn.Linear weights are [out, in]
        c.put("inference_mode", true); // PeftModel.save_pretrained saves with inference_mode = True
        switch (s.init()) {
            case PEFT_DEFAULT -> c.put("init_lora_weights", true);
            case RANDOM -> c.put("init_lora_weights", false);
            case GAUSSIAN -> c.put("init_lora_weights", "gaussian");
        }
        c.putNull("layers_pattern");
        c.putNull("layers_to_transform");
        c.putObject("loftq_config");
        if (s.alpha() == Math.rint(s.alpha()) && Math.abs(s.alpha()) < Integer.MAX_VALUE) {
            c.put("lora_alpha", (int) s.alpha()); // LoraConfig declares an int
        } else {
            c.put("lora_alpha", s.alpha());
        }
        c.put("lora_dropout", s.dropout());
        c.putNull("megatron_config");
        c.put("megatron_core", "megatron.core");
        c.putNull("modules_to_save");
        c.put("peft_type", "LORA");
        c.put("r", s.rank());
        c.putObject("rank_pattern");
        c.putNull("revision");
        targetModules(policy).forEach(c.putArray("target_modules")::add);
        c.put("task_type", "CAUSAL_LM");
        c.put("use_dora", false);
        c.put("use_rslora", s.rslora());
        return c;
    }

    /**
     * target_modules, sorted (PEFT writes a set, in no order): the targets as given, or PEFT's default spelled out,
     * as LoraConfig records them; for all-linear, every adapted module's whole name, as PEFT's
     * _maybe_include_all_linear_layers replaces the shorthand.
     */
    static List<String> targetModules(LoraPolicy policy) {
        List<String> targets = LoraTargets.effective(policy.settings(), policy.architecture());
        if (targets.equals(List.of(LoraTargets.ALL_LINEAR))) {
            targets = policy.adapters().modules().stream().map(LinearModule::module).toList();
        }
        return List.copyOf(new TreeSet<>(targets));
    }

    /** PEFT's saved name of an adapter tensor named {@code name} in Aha ({@link LinearModule#loraA}). */
    public static String savedName(String name) {
        return PREFIX + name;
    }

    /**
     * Writes the two files into {@code target}, a new or empty directory.
     *
     * @param dtype F32 (bit-exact) or BF16
     * @return {@code target}
     */
    public static Path write(LoraPolicy policy, String baseModelNameOrPath, Path target, SafetensorsDType dtype) {
        if (GptConfig.ARCHITECTURE.equals(policy.architecture())) {
            throw new IllegalArgumentException("PEFT adapters are for transformers models: the built-in gpt's "
                    + "adapters do not export (llama, qwen2 and qwen3 do)");
        }
        try {
            if (Files.exists(target) && (!Files.isDirectory(target) || !isEmpty(target))) {
                throw new IllegalArgumentException(target + " exists and is not an empty directory");
            }
            Files.createDirectories(target);
            List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
            for (PolicyParameter p : policy.parameters()) {
                tensors.add(new SafetensorsWriter.Tensor(savedName(p.name()), p.shape().getShape(),
                        use -> TensorBytes.read(p.array(), use)));
            }
            SafetensorsWriter.write(target.resolve(WEIGHTS), tensors, dtype, Map.of("format", "pt"));
            Files.writeString(target.resolve(CONFIG), JSON.writeValueAsString(config(policy, baseModelNameOrPath))
                    + "\n");
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the adapter to " + target, e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
