package dev.aha.runtime.rejection;

import dev.aha.runtime.metrics.MetricsLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sample lines for the tests: a correct, well-formed, readable one by default, changed one field at a time. */
final class Samples {

    static final String GOOD = "<think>7+5=12 12-3=9</think> <answer>9</answer>";

    private Samples() {}

    static Builder line(String promptId, int sample) {
        return new Builder(promptId, sample);
    }

    static Path write(Path file, List<SampleRecord> lines) {
        StringBuilder text = new StringBuilder();
        try {
            for (SampleRecord r : lines) {
                text.append(MetricsLog.JSON.writeValueAsString(r.toJson())).append('\n');
            }
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class Builder {
        private final String promptId;
        private final int sample;
        private int k = 4;
        private long version = 3;
        private boolean correct = true;
        private boolean wellFormed = true;
        private double language = 1.0;
        private int tokens = 20;
        private String completion = GOOD;

        Builder(String promptId, int sample) {
            this.promptId = promptId;
            this.sample = sample;
        }

        Builder k(int k) {
            this.k = k;
            return this;
        }

        Builder version(long v) {
            this.version = v;
            return this;
        }

        Builder incorrect() {
            correct = false;
            return this;
        }

        Builder malformed() {
            wellFormed = false;
            return this;
        }

        Builder language(double score) {
            language = score;
            return this;
        }

        Builder tokens(int n) {
            tokens = n;
            return this;
        }

        Builder completion(String text) {
            completion = text;
            return this;
        }

        SampleRecord build() {
            Map<String, Double> rewards = new LinkedHashMap<>();
            rewards.put("accuracy", correct ? 1.0 : 0.0);
            rewards.put("format", wellFormed ? 1.0 : 0.0);
            rewards.put("language", language);
            return new SampleRecord(promptId, sample, k, version, correct, wellFormed, language >= 1.0,
                    (correct ? 1.0 : 0.0) + (wellFormed ? 0.2 : 0.0), rewards, tokens, false, "9",
                    "User: 7+5-3 Assistant: ", completion);
        }
    }
}
