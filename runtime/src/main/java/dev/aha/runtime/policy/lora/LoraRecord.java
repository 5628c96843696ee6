package dev.aha.runtime.policy.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a checkpoint of adapters records about them ({@code adapter.json}): their settings, the layers they adapt,
 * and their base by name and content hash. A checkpoint is loaded only onto an adapted policy it fits: same rank,
 * alpha, scaling rule and layers, and a base whose weights hash the same.
 *
 * <pre>
 *   {"format": "aha-lora-1", "rank": 8, "alpha": 16.0, "dropout": 0.05, "init": "true", "rslora": false,
 *    "targets": ["q_proj", "v_proj"], "modules": ["model.layers.0.self_attn.q_proj", ...],
 *    "base": {"model": "/models/qwen3-0.6b", "sha256": "9f86d0..."}}
 * </pre>
 *
 * @param targets the targets in force (the defaults spelled out when the settings named none)
 * @param modules the adapted layers' module names, in order
 */
public record LoraRecord(LoraSettings settings, List<String> targets, List<String> modules, LoraBase base) {

    public static final String FORMAT = "aha-lora-1";

    public LoraRecord {
        targets = List.copyOf(targets);
        modules = List.copyOf(modules);
    }

    /** The record of {@code policy}'s adapters. */
    public static LoraRecord of(LoraPolicy policy) {
        LoraSettings s = policy.settings();
        return new LoraRecord(s, LoraTargets.effective(s, policy.architecture()),
                policy.adapters().modules().stream().map(LinearModule::module).toList(), policy.baseModel());
    }

    /** The settings an adapted policy must be built with to take these adapters (the targets spelled out). */
    public LoraSettings settingsForLoad() {
        return new LoraSettings(settings.rank(), settings.alpha(), settings.dropout(), targets, settings.init(),
                settings.rslora());
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("format", FORMAT);
        o.put("rank", settings.rank());
        o.put("alpha", settings.alpha());
        o.put("dropout", settings.dropout());
        o.put("init", settings.init().peftName());
        o.put("rslora", settings.rslora());
        targets.forEach(o.putArray("targets")::add);
        modules.forEach(o.putArray("modules")::add);
        o.putObject("base").put("model", base.model()).put("sha256", base.sha256());
        return o;
    }

    /**
     * @param where names the file in errors
     * @throws IllegalArgumentException in one line when the record is not one this version writes
     */
    public static LoraRecord fromJson(JsonNode o, String where) {
        if (!FORMAT.equals(o.path("format").asText())) {
            throw new IllegalArgumentException(where + " is not an Aha adapter record (format "
                    + o.path("format").asText("missing") + ", expected " + FORMAT + ")");
        }
        for (String key : List.of("rank", "alpha", "dropout", "init", "rslora", "targets", "modules", "base")) {
            if (!o.has(key)) {
                throw new IllegalArgumentException(where + " has no \"" + key + "\"");
            }
        }
        LoraSettings settings = new LoraSettings(o.get("rank").asInt(), o.get("alpha").asDouble(),
                o.get("dropout").asDouble(), strings(o.get("targets")), LoraInit.parse(o.get("init").asText()),
                o.get("rslora").asBoolean());
        return new LoraRecord(settings, strings(o.get("targets")), strings(o.get("modules")),
                new LoraBase(o.get("base").path("model").asText(), o.get("base").path("sha256").asText()));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array instanceof ArrayNode a) {
            a.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    /**
     * Checks that the adapters of checkpoint {@code where} can be loaded onto {@code policy}.
     *
     * @throws IllegalArgumentException in one line naming the first difference
     */
    public void requireFits(LoraPolicy policy, String where) {
        LoraSettings mine = settings;
        LoraSettings theirs = policy.settings();
        if (mine.rank() != theirs.rank()) {
            throw new IllegalArgumentException(where + " holds adapters of rank " + mine.rank() + ", the policy's have "
                    + "rank " + theirs.rank() + " (aha.lora.rank): a resume keeps the rank");
        }
        if (mine.alpha() != theirs.alpha() || mine.rslora() != theirs.rslora()) {
            throw new IllegalArgumentException(where + " scales its adapters by " + scaling(mine) + ", the policy by "
                    + scaling(theirs) + " (aha.lora.alpha, aha.lora.rslora): a resume keeps the scaling");
        }
        List<String> theirModules = policy.adapters().modules().stream().map(LinearModule::module).toList();
        if (!modules.equals(theirModules)) {
            throw new IllegalArgumentException(where + " adapts " + modules.size() + " layers (targets " + targets
                    + "), the policy " + theirModules.size() + " (targets "
                    + LoraTargets.effective(theirs, policy.architecture()) + "): a resume keeps aha.lora.targets");
        }
        if (!base.sha256().equals(policy.baseModel().sha256())) {
            throw new IllegalArgumentException(where + "'s adapters were trained on another base: " + base.model()
                    + " with weights of SHA-256 " + abbreviated(base.sha256()) + ", the policy's base "
                    + policy.baseModel().model() + " hashes to " + abbreviated(policy.baseModel().sha256())
                    + " (a different model, or changed since)");
        }
    }

    private static String scaling(LoraSettings s) {
        return (s.rslora() ? "alpha/sqrt(r) = " : "alpha/r = ") + s.scaling();
    }

    private static String abbreviated(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) + "..." : sha;
    }
}
