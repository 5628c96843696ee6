package dev.aha.runtime.rejection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.reward.LanguageConsistencyReward;
import dev.aha.runtime.task.JsonlRecord;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One line of {@code aha sample}'s output: one sampled completion of one prompt, scored with the training rewards.
 * The JSON keys, in the order they are written:
 *
 * <pre>
 *   prompt_id            the task's stable prompt id (a group's lines are written together, sample 0..k-1)
 *   sample, k            this completion's index in its prompt's group, and the group's size
 *   policy_version       the policy version of the checkpoint it was sampled from (0: a cold start, an SFT result,
 *                        a Hugging Face model)
 *   correct              the accuracy reward is 1
 *   well_formed          the format reward is 1 (think then answer, R1's format)
 *   language_consistent  the language-consistency score is at least aha.reject.min-language
 *   reward               the weighted total of aha.reward (what GRPO would have used)
 *   rewards              every component's raw score: aha.reward's parts, and "language" always (computed for the
 *                        rejection even when its weight is 0, and then not in the total)
 *   tokens               completion length in tokens, the end token not counted
 *   truncated            it hit the length limit (no end token drawn)
 *   answer               the reference answer
 *   prompt               the rendered prompt text the model saw (template, and chat template when in use)
 *   completion           the decoded completion
 * </pre>
 */
public record SampleRecord(
        String promptId, int sample, int k, long policyVersion, boolean correct, boolean wellFormed,
        boolean languageConsistent, double reward, Map<String, Double> rewards, int tokens, boolean truncated,
        String answer, String prompt, String completion) {

    public SampleRecord {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(answer, "answer");
        rewards = Collections.unmodifiableMap(new LinkedHashMap<>(rewards));
    }

    /** The language-consistency score (the {@code language} component). */
    public double language() {
        return rewards.getOrDefault(LanguageConsistencyReward.NAME, Double.NaN);
    }

    public ObjectNode toJson() {
        ObjectNode o = MetricsLog.JSON.createObjectNode();
        o.put("prompt_id", promptId);
        o.put("sample", sample);
        o.put("k", k);
        o.put("policy_version", policyVersion);
        o.put("correct", correct);
        o.put("well_formed", wellFormed);
        o.put("language_consistent", languageConsistent);
        o.put("reward", reward);
        ObjectNode r = o.putObject("rewards");
        rewards.forEach(r::put);
        o.put("tokens", tokens);
        o.put("truncated", truncated);
        o.put("answer", answer);
        o.put("prompt", prompt);
        o.put("completion", completion);
        return o;
    }

    /**
     * Reads a line back; every key above is required, with its type, and a problem names the line.
     *
     * @throws dev.aha.runtime.task.JsonlFormatException naming the file, the line and the key
     */
    public static SampleRecord fromJson(JsonlRecord line) {
        JsonNode rewardsNode = require(line, "rewards");
        if (!rewardsNode.isObject()) {
            throw line.problem("\"rewards\" must be an object, was " + kind(rewardsNode));
        }
        Map<String, Double> rewards = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = rewardsNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw line.problem("\"rewards\"." + e.getKey() + " must be a number, was " + kind(e.getValue()));
            }
            rewards.put(e.getKey(), e.getValue().asDouble());
        }
        if (!rewards.containsKey(LanguageConsistencyReward.NAME)) {
            throw line.problem("missing \"rewards\".language (the language-consistency score)");
        }
        return new SampleRecord(text(line, "prompt_id", false), integer(line, "sample"), integer(line, "k"),
                integer(line, "policy_version"), bool(line, "correct"), bool(line, "well_formed"),
                bool(line, "language_consistent"), number(line, "reward"), rewards, (int) integer(line, "tokens"),
                bool(line, "truncated"), text(line, "answer", true), text(line, "prompt", false),
                text(line, "completion", true));
    }

    private static JsonNode require(JsonlRecord line, String key) {
        JsonNode v = line.node().get(key);
        if (v == null || v.isNull()) {
            throw line.problem("missing \"" + key + "\"");
        }
        return v;
    }

    /** @param mayBeEmpty a completion may be empty (the model ended at once); an id or a prompt may not */
    private static String text(JsonlRecord line, String key, boolean mayBeEmpty) {
        JsonNode v = require(line, key);
        if (!v.isTextual()) {
            throw line.problem("\"" + key + "\" must be a string, was " + kind(v));
        }
        if (!mayBeEmpty && v.asText().isEmpty()) {
            throw line.problem("\"" + key + "\" is empty");
        }
        return v.asText();
    }

    private static boolean bool(JsonlRecord line, String key) {
        JsonNode v = require(line, key);
        if (!v.isBoolean()) {
            throw line.problem("\"" + key + "\" must be true or false, was " + kind(v));
        }
        return v.asBoolean();
    }

    private static double number(JsonlRecord line, String key) {
        JsonNode v = require(line, key);
        if (!v.isNumber()) {
            throw line.problem("\"" + key + "\" must be a number, was " + kind(v));
        }
        return v.asDouble();
    }

    private static int integer(JsonlRecord line, String key) {
        JsonNode v = require(line, key);
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw line.problem("\"" + key + "\" must be a whole number >= 0, was " + v);
        }
        return v.asInt();
    }

    private static String kind(JsonNode v) {
        return v.getNodeType().name().toLowerCase();
    }
}
