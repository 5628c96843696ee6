package dev.aha.runtime.rm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.runtime.task.BadLinePolicy;
import dev.aha.runtime.task.JsonlReader;
import dev.aha.runtime.task.JsonlRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Preference pairs in TRL's format, one JSON object a line: {@code chosen} and {@code rejected} (strings or message
 * lists), an optional {@code prompt} (absent: implicit, inside both responses) and an optional numeric
 * {@code margin}. A line that cannot be used stops the read as {@code FILE:LINE: why}: a missing field, a value of
 * the wrong form, chosen equal to rejected, a pair longer than the reward model's context.
 */
public final class PreferenceData {

    private PreferenceData() {}

    public static List<PreferencePair> read(Path file, PreferenceText text, int contextLength) {
        List<PreferencePair> pairs = new ArrayList<>();
        JsonlReader.read(file, BadLinePolicy.STOP, r -> pairs.add(pair(r, text, contextLength)));
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no preference pairs");
        }
        return pairs;
    }

    static PreferencePair pair(JsonlRecord r, PreferenceText text, int contextLength) {
        JsonNode prompt = r.node().get("prompt");
        if (prompt != null && prompt.isNull()) {
            prompt = null;
        }
        JsonNode chosen = r.node().get("chosen");
        JsonNode rejected = r.node().get("rejected");
        if (chosen != null && chosen.equals(rejected)) {
            throw r.problem("\"chosen\" equals \"rejected\": the pair prefers nothing");
        }
        int[] c = text.ids(r, prompt, chosen, "chosen");
        int[] j = text.ids(r, prompt, rejected, "rejected");
        if (Arrays.equals(c, j)) {
            throw r.problem("\"chosen\" and \"rejected\" are the same tokens: the pair prefers nothing");
        }
        int longest = Math.max(c.length, j.length);
        if (longest > contextLength) {
            throw r.problem("\"" + (c.length >= j.length ? "chosen" : "rejected") + "\" is " + longest
                    + " tokens with its prompt, beyond the reward model's context of " + contextLength);
        }
        float margin = 0;
        JsonNode m = r.node().get("margin");
        if (m != null && !m.isNull()) {
            if (!m.isNumber() || !Double.isFinite(m.asDouble())) {
                throw r.problem("\"margin\" must be a finite number, was " + m);
            }
            margin = (float) m.asDouble();
        }
        return new PreferencePair(r.path() + ":" + r.lineNumber(), c, j, margin);
    }
}
