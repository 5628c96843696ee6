package dev.aha.runtime.rejection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;
import java.io.PrintStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code aha reject} read, kept and rejected.
 *
 * @param linesRead sample lines read (bad lines skipped not counted)
 * @param badLinesSkipped lines skipped as unusable (with {@code --on-bad-line SKIP})
 * @param kept lines written to the SFT file
 * @param rejected lines rejected, by the first rule each failed, in check order: incorrect, malformed,
 *     language_mixing, repetition, length, duplicate, max_per_prompt, balance
 * @param prompts distinct prompts read
 * @param promptsWithKept prompts with at least one line kept
 * @param promptsNoneKept prompts with no line kept
 * @param promptsAllCorrect prompts every sample of which is correct (everybody solved them)
 * @param promptsNoneCorrect prompts no sample of which is correct (nobody solved them)
 * @param promptsMixed the others: the difficulty GRPO and SFT learn most from
 * @param allCorrectDropped all-correct prompts dropped by the max-all-correct-share cap
 */
public record RejectionStats(long linesRead, long badLinesSkipped, long kept, Map<String, Long> rejected, int prompts,
        int promptsWithKept, int promptsNoneKept, int promptsAllCorrect, int promptsNoneCorrect, int promptsMixed,
        int allCorrectDropped) {

    /** The rejection reasons in check order: the per-line rules', then the ones that look across lines. */
    public static final String DUPLICATE = "duplicate";
    public static final String MAX_PER_PROMPT = "max_per_prompt";
    public static final String BALANCE = "balance";

    public RejectionStats {
        rejected = Collections.unmodifiableMap(new LinkedHashMap<>(rejected));
    }

    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    public ObjectNode toJson(RejectionSettings settings) {
        ObjectNode o = MetricsLog.JSON.createObjectNode();
        o.put("lines_read", linesRead);
        o.put("bad_lines_skipped", badLinesSkipped);
        o.put("kept", kept);
        o.put("kept_share", linesRead == 0 ? 0 : (double) kept / linesRead);
        ObjectNode r = o.putObject("rejected");
        rejected.forEach(r::put);
        o.put("prompts", prompts);
        o.put("prompts_with_kept", promptsWithKept);
        o.put("prompts_none_kept", promptsNoneKept);
        o.put("prompts_all_correct", promptsAllCorrect);
        o.put("prompts_none_correct", promptsNoneCorrect);
        o.put("prompts_mixed", promptsMixed);
        o.put("all_correct_prompts_dropped", allCorrectDropped);
        o.set("settings", MetricsLog.JSON.valueToTree(settings));
        return o;
    }

    /** The statistics {@link #toJson} wrote (its settings and shares aside). */
    public static RejectionStats fromJson(JsonNode o) {
        Map<String, Long> rejected = new LinkedHashMap<>();
        o.path("rejected").properties().forEach(e -> rejected.put(e.getKey(), e.getValue().asLong()));
        return new RejectionStats(o.path("lines_read").asLong(), o.path("bad_lines_skipped").asLong(),
                o.path("kept").asLong(), rejected, o.path("prompts").asInt(), o.path("prompts_with_kept").asInt(),
                o.path("prompts_none_kept").asInt(), o.path("prompts_all_correct").asInt(),
                o.path("prompts_none_correct").asInt(), o.path("prompts_mixed").asInt(),
                o.path("all_correct_prompts_dropped").asInt());
    }

    /** The statistics as a table for the console. */
    public void print(PrintStream out) {
        out.printf("  lines read              %,d%s%n", linesRead,
                badLinesSkipped == 0 ? "" : String.format(" (and %,d bad lines skipped)", badLinesSkipped));
        out.printf("  kept                    %,d (%.1f%%)%n", kept, linesRead == 0 ? 0.0 : 100.0 * kept / linesRead);
        out.printf("  rejected                %,d, by the first rule failed:%n", rejectedTotal());
        rejected.forEach((reason, n) -> out.printf("    %-21s %,d%n", reason, n));
        out.printf("  prompts                 %,d: %,d with lines kept, %,d with none%n", prompts, promptsWithKept,
                promptsNoneKept);
        out.printf("  difficulty              %,d none correct, %,d mixed, %,d all correct (%,d of them dropped by "
                + "the all-correct share)%n", promptsNoneCorrect, promptsMixed, promptsAllCorrect, allCorrectDropped);
    }
}
