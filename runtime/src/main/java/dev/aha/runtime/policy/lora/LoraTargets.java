package dev.aha.runtime.policy.lora;

import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.gpt.GptConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which linear layers of a policy get adapters. A target names layers as PEFT's target_modules does: a layer
 * matches when its module name is the target or ends with "." + target, so {@code q_proj} names every layer's query
 * projection and {@code model.layers.0.self_attn.q_proj} just the first; {@code all-linear} names every linear
 * layer but the output head (PEFT leaves the output embedding out too). The adaptable layers:
 *
 * <pre>
 *   llama, qwen2, qwen3   q_proj k_proj v_proj o_proj (self_attn), gate_proj up_proj down_proj (mlp),
 *                         module names as transformers': model.layers.N.self_attn.q_proj, ...
 *                         default (PEFT's for these model types): q_proj, v_proj
 *   gpt (built-in)        wqkv (fused q|k|v), wo (attention output), w1, w2 (MLP), named h.N.attn.wqkv,
 *                         h.N.attn.wo, h.N.mlp.w1, h.N.mlp.w2 as the weights are; default: wqkv
 * </pre>
 */
public final class LoraTargets {

    /** PEFT's INCLUDE_LINEAR_LAYERS_SHORTHAND. */
    public static final String ALL_LINEAR = "all-linear";

    private static final Pattern LLAMA = Pattern.compile(
            "(model\\.layers\\.\\d+\\.(?:self_attn\\.[qkvo]_proj|mlp\\.(?:gate|up|down)_proj))\\.weight");
    private static final Pattern GPT = Pattern.compile("h\\.\\d+\\.(?:attn\\.wqkv|attn\\.wo|mlp\\.w1|mlp\\.w2)");

    private LoraTargets() {}

    /** Every linear layer of the policy that may carry an adapter, in layout order. */
    public static List<LinearModule> adaptable(String architecture, ParameterLayout layout) {
        boolean gpt = GptConfig.ARCHITECTURE.equals(architecture);
        List<LinearModule> modules = new ArrayList<>();
        for (int i = 0; i < layout.size(); i++) {
            String name = layout.names().get(i);
            Shape shape = layout.shapes().get(i);
            Matcher m = (gpt ? GPT : LLAMA).matcher(name);
            if (!m.matches()) {
                continue;
            }
            int rows = Math.toIntExact(shape.get(0));
            int columns = Math.toIntExact(shape.get(1));
            modules.add(gpt ? new LinearModule(name, name, rows, columns, true)
                    : new LinearModule(m.group(1), name, columns, rows, false));
        }
        return modules;
    }

    /** What an empty aha.lora.targets means: PEFT's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING. */
    public static List<String> defaults(String architecture) {
        return GptConfig.ARCHITECTURE.equals(architecture) ? List.of("wqkv") : List.of("q_proj", "v_proj");
    }

    /** The targets in force: the settings' own, or the default for the architecture. */
    public static List<String> effective(LoraSettings settings, String architecture) {
        return settings.targets().isEmpty() ? defaults(architecture) : settings.targets();
    }

    /**
     * The layers {@code settings} adapt, in layout order, checked: every target names at least one layer, and the
     * rank fits every one of them (at most min(in, out)).
     *
     * @throws IllegalArgumentException in one line naming the first target or layer that does not fit
     */
    public static List<LinearModule> resolve(LoraSettings settings, String architecture, ParameterLayout layout) {
        List<LinearModule> all = adaptable(architecture, layout);
        List<String> targets = effective(settings, architecture);
        List<LinearModule> chosen = new ArrayList<>();
        if (targets.equals(List.of(ALL_LINEAR))) {
            chosen.addAll(all);
        } else {
            for (String target : targets) {
                if (all.stream().noneMatch(m -> m.matches(target))) {
                    throw new IllegalArgumentException("aha.lora.targets: '" + target + "' names no linear layer of "
                            + "this " + architecture + " policy (its layers: " + String.join(", ", leaves(all)) + ", or "
                            + ALL_LINEAR + "; the output head and embeddings take no adapter)");
                }
            }
            for (LinearModule m : all) {
                if (targets.stream().anyMatch(m::matches)) {
                    chosen.add(m);
                }
            }
        }
        for (LinearModule m : chosen) {
            if (settings.rank() > Math.min(m.in(), m.out())) {
                throw new IllegalArgumentException("aha.lora.rank " + settings.rank() + " exceeds min(in, out) = "
                        + Math.min(m.in(), m.out()) + " of " + m.module() + " (" + m.in() + " in, " + m.out() + " out)");
            }
        }
        return chosen;
    }

    /** The distinct layer names ({@code q_proj}, {@code wqkv}) of {@code modules}, in order. */
    public static List<String> leaves(List<LinearModule> modules) {
        Set<String> names = new LinkedHashSet<>();
        modules.forEach(m -> names.add(m.leaf()));
        return List.copyOf(names);
    }
}
