package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;
import java.nio.file.Path;

/**
 * A grpo stage's outputs: the figures of its run's summary.json that the pipeline reports, and where the rest is.
 *
 * @param steps learner steps, an interrupted run's included
 * @param initialPass1 held-out pass@1 before RL; null when the run did not evaluate
 * @param finalPass1 held-out pass@1 after RL; null when the run did not evaluate
 * @param wallSeconds the run's RL wall time
 * @param groupsPerSecond groups trained on per second of this segment
 * @param promptsUsed prompts whose groups the learner trained on
 * @param minutes the stage's RL budget
 * @param summary the run's summary.json
 * @param charts the run's charts folder
 * @param note one line for the table, saying whether the run continued after an interruption
 * @param rewards the rule and model parts of the reward as RL started and ended; null when not read
 */
public record GrpoOutput(long steps, Double initialPass1, Double finalPass1, double wallSeconds, double groupsPerSecond,
        long promptsUsed, double minutes, Path summary, Path charts, String note, RewardParts rewards)
        implements StageOutput {

    public GrpoOutput(long steps, Double initialPass1, Double finalPass1, double wallSeconds, double groupsPerSecond,
            long promptsUsed, double minutes, Path summary, Path charts, String note) {
        this(steps, initialPass1, finalPass1, wallSeconds, groupsPerSecond, promptsUsed, minutes, summary, charts, note,
                null);
    }

    /** The same with its reward parts (named in the note). */
    GrpoOutput withRewards(RewardParts parts) {
        return parts == null ? this : new GrpoOutput(steps, initialPass1, finalPass1, wallSeconds, groupsPerSecond,
                promptsUsed, minutes, summary, charts, note + "; " + parts.text(), parts);
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = MetricsLog.JSON.createObjectNode().put("steps", steps);
        if (initialPass1 != null) {
            o.put("initial_pass1", initialPass1);
        }
        if (finalPass1 != null) {
            o.put("final_pass1", finalPass1);
        }
        o.put("wall_seconds", wallSeconds).put("groups_per_second", groupsPerSecond)
                .put("prompts_used", promptsUsed).put("minutes", minutes).put("summary", summary.toString())
                .put("charts", charts.toString()).put("note", note);
        if (rewards != null) {
            o.set("reward_parts", rewards.toJson());
        }
        return o;
    }

    /** Reads the figures from the outputs {@link #toJson} wrote, or from a run's summary.json (the rest given). */
    static GrpoOutput read(JsonNode o, double minutes, Path summary, Path charts, String note) {
        return new GrpoOutput(o.path("steps").asLong(), optional(o, "initial_pass1"), optional(o, "final_pass1"),
                o.path("wall_seconds").asDouble(), o.path("groups_per_second").asDouble(),
                o.path("prompts_used").asLong(), minutes, summary, charts, note);
    }

    static GrpoOutput read(JsonNode o) {
        GrpoOutput read = read(o, o.path("minutes").asDouble(), Path.of(o.path("summary").asText()),
                Path.of(o.path("charts").asText()), o.path("note").asText());
        RewardParts parts = RewardParts.read(o.get("reward_parts"));
        return parts == null ? read : new GrpoOutput(read.steps, read.initialPass1, read.finalPass1, read.wallSeconds,
                read.groupsPerSecond, read.promptsUsed, read.minutes, read.summary, read.charts, read.note, parts);
    }

    private static Double optional(JsonNode o, String key) {
        return o.path(key).isNumber() ? o.get(key).asDouble() : null;
    }
}
