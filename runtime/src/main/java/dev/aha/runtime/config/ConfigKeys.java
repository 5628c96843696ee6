package dev.aha.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses keys under {@code aha} that no reference.conf defines: a misspelled key would otherwise be ignored and its
 * default used without a word. The error names the nearest key that exists.
 */
public final class ConfigKeys {

    /** Sections whose keys are free-form: chat template flags, and Pekko dispatcher settings. */
    private static final List<String> OPEN = List.of("aha.train.chat-flags", "aha.compute-dispatcher",
            "aha.reward-dispatcher");

    private ConfigKeys() {}

    /** @throws IllegalArgumentException naming the first unknown key (in sorted order) and the nearest known one */
    public static void check(Config effective) {
        if (!effective.hasPath("aha")) {
            return;
        }
        Config reference = ConfigFactory.defaultReference();
        Set<String> known = new TreeSet<>();
        reference.getConfig("aha").entrySet().forEach(e -> known.add("aha." + e.getKey()));
        Set<String> given = new TreeSet<>();
        effective.getConfig("aha").entrySet().forEach(e -> given.add("aha." + e.getKey()));
        for (String key : given) {
            if (!known.contains(key) && OPEN.stream().noneMatch(open -> key.startsWith(open + "."))) {
                throw new IllegalArgumentException("unknown configuration key " + key + " (did you mean "
                        + nearest(key, known) + "?)");
            }
        }
    }

    private static String nearest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance, two rows. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
