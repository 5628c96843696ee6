package dev.aha.runtime.rejection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.task.BadLinePolicy;
import dev.aha.runtime.task.JsonlReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rejection half of R1's rejection sampling: from {@code aha sample}'s lines, keeps the completions that are
 * correct, well-formed and readable, without duplicates, at most M per prompt, balanced across difficulty, and writes
 * them as SFT data ({@code prompt}, {@code completion}: what {@code aha sft --data} reads).
 *
 * <p>A line is checked in this order, and a rejected line is counted under the first check it fails:
 * <ol>
 *   <li>the per-line rules of {@link RejectionSettings#rules()}: incorrect, malformed, language_mixing, repetition,
 *       length;</li>
 *   <li>duplicate: the same completion as one already kept for the same prompt, after white space is normalised
 *       (stripped at both ends, every run of white space one space);</li>
 *   <li>max_per_prompt: the prompt already has M lines kept (the first ones in file order are kept);</li>
 *   <li>balance: the prompt is one every sample solved, past the share of such prompts allowed.</li>
 * </ol>
 *
 * <p>Two streaming passes over the file: the first counts each prompt's lines, correct lines and lines passing the
 * per-line rules (to classify its difficulty and apply the balance cap), the second writes. Memory holds a few counters
 * per prompt and, per prompt whose lines are still to come, the normalised texts of its kept lines (at most M); never
 * the samples. The output is written beside its final name and moved into place at the end.
 */
public final class RejectionFilter {

    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

    private final RejectionSettings settings;
    private final List<RejectionRule> rules;

    public RejectionFilter(RejectionSettings settings) {
        this.settings = settings;
        this.rules = settings.rules();
    }

    /** The statistics file written beside {@code out}: {@code out} + {@code .stats.json}. */
    public static Path statsFile(Path out) {
        return out.resolveSibling(out.getFileName() + ".stats.json");
    }

    /** White space stripped at both ends and every run of it one space: what duplicates are compared by. */
    public static String normalise(String completion) {
        return WHITE_SPACE.matcher(completion.strip()).replaceAll(" ");
    }

    /**
     * Filters {@code samples} into {@code out} and writes the statistics beside it ({@link #statsFile}).
     *
     * @param onBadLine STOP at the first unusable line (naming it), or SKIP and count such lines
     */
    public RejectionStats run(Path samples, Path out, BadLinePolicy onBadLine) {
        if (samples.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out must not be the samples file " + samples);
        }
        Map<String, Tally> tallies = new LinkedHashMap<>();
        JsonlReader.Summary first = JsonlReader.read(samples, onBadLine, line -> {
            SampleRecord s = SampleRecord.fromJson(line);
            Tally t = tallies.computeIfAbsent(s.promptId(), id -> new Tally());
            t.lines++;
            t.correct += s.correct() ? 1 : 0;
            t.passing += passesRules(s) ? 1 : 0;
        });
        Set<String> dropped = balance(tallies);

        Map<String, Long> rejected = new LinkedHashMap<>();
        rules.forEach(r -> rejected.put(r.reason(), 0L));
        rejected.put(RejectionStats.DUPLICATE, 0L);
        rejected.put(RejectionStats.MAX_PER_PROMPT, 0L);
        rejected.put(RejectionStats.BALANCE, 0L);
        Map<String, Open> open = new HashMap<>();
        Set<String> keptPrompts = new HashSet<>();
        long[] kept = {0};
        Path parent = out.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
            Path staging = Files.createTempFile(parent, "." + out.getFileName() + "-", ".tmp");
            try {
                try (BufferedWriter w = Files.newBufferedWriter(staging, StandardCharsets.UTF_8)) {
                    JsonlReader.read(samples, onBadLine, line -> {
                        SampleRecord s = SampleRecord.fromJson(line);
                        Tally t = tallies.get(s.promptId());
                        if (t == null) {
                            throw new IllegalStateException(samples + " changed while it was read (prompt "
                                    + s.promptId() + " at line " + line.lineNumber() + " is new)");
                        }
                        Open state = open.computeIfAbsent(s.promptId(), id -> new Open());
                        state.seen++;
                        String reason = reason(s, state, dropped);
                        if (reason == null) {
                            write(w, s);
                            kept[0]++;
                            keptPrompts.add(s.promptId());
                        } else {
                            rejected.merge(reason, 1L, Long::sum);
                        }
                        if (state.seen == t.lines) {
                            open.remove(s.promptId()); // its last line: its texts are no longer needed
                        }
                    });
                }
                Files.move(staging, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(staging);
            }
            int allCorrect = 0;
            int noneCorrect = 0;
            for (Tally t : tallies.values()) {
                allCorrect += t.allCorrect() ? 1 : 0;
                noneCorrect += t.correct == 0 ? 1 : 0;
            }
            RejectionStats stats = new RejectionStats(first.records(), first.skipped(), kept[0], rejected,
                    tallies.size(), keptPrompts.size(), tallies.size() - keptPrompts.size(), allCorrect, noneCorrect,
                    tallies.size() - allCorrect - noneCorrect, dropped.size());
            ObjectNode json = stats.toJson(settings);
            json.put("samples", samples.toString());
            json.put("out", out.toString());
            Files.writeString(statsFile(out), MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json)
                    + "\n");
            return stats;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /** Why {@code s} is rejected, or null when it is kept (then recorded in {@code state}). */
    private String reason(SampleRecord s, Open state, Set<String> dropped) {
        for (RejectionRule rule : rules) {
            if (!rule.keeps(s)) {
                return rule.reason();
            }
        }
        String text = normalise(s.completion());
        if (state.texts.contains(text)) {
            return RejectionStats.DUPLICATE;
        }
        if (settings.maxPerPrompt() > 0 && state.texts.size() >= settings.maxPerPrompt()) {
            return RejectionStats.MAX_PER_PROMPT;
        }
        if (dropped.contains(s.promptId())) {
            return RejectionStats.BALANCE;
        }
        state.texts.add(text);
        return null;
    }

    private boolean passesRules(SampleRecord s) {
        for (RejectionRule rule : rules) {
            if (!rule.keeps(s)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The all-correct prompts to drop so that they are at most {@code maxAllCorrectShare} of the prompts with lines
     * kept: with m other prompts kept, a of them may stay, a / (a + m) <= share, so a = floor(share m / (1 - share)).
     * Which stay is decided by a hash of the id and the seed, not by file order.
     */
    private Set<String> balance(Map<String, Tally> tallies) {
        double share = settings.maxAllCorrectShare();
        if (share >= 1) {
            return Set.of();
        }
        List<String> easy = new ArrayList<>();
        int others = 0;
        for (Map.Entry<String, Tally> e : tallies.entrySet()) {
            if (e.getValue().passing == 0) {
                continue; // nothing of it would be kept either way
            }
            if (e.getValue().allCorrect()) {
                easy.add(e.getKey());
            } else {
                others++;
            }
        }
        long allowed = (long) Math.floor(share * others / (1 - share) + 1e-9);
        if (easy.size() <= allowed) {
            return Set.of();
        }
        easy.sort(Comparator.comparingLong((String id) -> RejectionSampler.promptSeed(settings.seed(), id))
                .thenComparing(id -> id));
        return new HashSet<>(easy.subList((int) allowed, easy.size()));
    }

    private static void write(BufferedWriter w, SampleRecord s) {
        ObjectNode o = MetricsLog.JSON.createObjectNode();
        o.put("prompt", s.prompt());
        o.put("completion", s.completion());
        o.put("prompt_id", s.promptId());
        o.put("sample", s.sample());
        o.put("policy_version", s.policyVersion());
        o.put("tokens", s.tokens());
        o.put("reward", s.reward());
        try {
            w.write(MetricsLog.JSON.writeValueAsString(o));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pass one's counts of one prompt. */
    private static final class Tally {
        int lines;
        int correct;
        int passing;

        boolean allCorrect() {
            return correct == lines;
        }
    }

    /** Pass two's state of a prompt whose lines are still coming. */
    private static final class Open {
        int seen;
        final Set<String> texts = new HashSet<>();
    }
}
