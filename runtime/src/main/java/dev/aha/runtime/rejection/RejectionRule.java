package dev.aha.runtime.rejection;

/**
 * One rule of R1's rejection sampling that a sampled completion must pass on its own (no other line needed). The
 * rules are checked in the order {@link RejectionSettings#rules()} lists them; a rejected line is counted under the
 * {@link #reason()} of the first rule it fails.
 */
public interface RejectionRule {

    /** The key a rejection by this rule is counted under in the statistics, e.g. {@code incorrect}. */
    String reason();

    /** Whether {@code sample} passes this rule. */
    boolean keeps(SampleRecord sample);

    /** The accuracy reward is 1: the final answer matches the reference. */
    record Correct() implements RejectionRule {
        @Override
        public String reason() {
            return "incorrect";
        }

        @Override
        public boolean keeps(SampleRecord sample) {
            return sample.correct();
        }
    }

    /** The format reward is 1: {@code <think>…</think> <answer>…</answer>} and nothing else. */
    record WellFormed() implements RejectionRule {
        @Override
        public String reason() {
            return "malformed";
        }

        @Override
        public boolean keeps(SampleRecord sample) {
            return sample.wellFormed();
        }
    }

    /**
     * No language mixing: the language-consistency score (the share of the chain of thought's words written in the
     * target script, {@link dev.aha.runtime.reward.LanguageConsistencyReward}) is at least {@code min}.
     */
    record LanguageConsistent(double min) implements RejectionRule {
        public LanguageConsistent {
            if (!(min >= 0 && min <= 1)) {
                throw new IllegalArgumentException("min-language must be in [0, 1], was " + min);
            }
        }

        @Override
        public String reason() {
            return "language_mixing";
        }

        @Override
        public boolean keeps(SampleRecord sample) {
            return sample.language() >= min;
        }
    }

    /**
     * No degenerate repetition: the completion's repeated n-gram fraction ({@link RepeatedNgrams#fraction}) is at
     * most {@code maxFraction}.
     */
    record NotRepetitive(int n, double maxFraction) implements RejectionRule {
        public NotRepetitive {
            if (n < 1) {
                throw new IllegalArgumentException("repetition-ngram must be at least 1, was " + n);
            }
            if (!(maxFraction >= 0 && maxFraction <= 1)) {
                throw new IllegalArgumentException("max-repetition must be in [0, 1], was " + maxFraction);
            }
        }

        @Override
        public String reason() {
            return "repetition";
        }

        @Override
        public boolean keeps(SampleRecord sample) {
            return RepeatedNgrams.fraction(sample.completion(), n) <= maxFraction;
        }
    }

    /** Length within bounds: {@code min <= tokens <= max} (max 0: no upper bound). */
    record LengthWithin(int min, int max) implements RejectionRule {
        public LengthWithin {
            if (min < 0 || max < 0) {
                throw new IllegalArgumentException("min-tokens and max-tokens must be >= 0, were " + min + ", " + max);
            }
            if (max > 0 && max < min) {
                throw new IllegalArgumentException("max-tokens (" + max + ") is below min-tokens (" + min + ")");
            }
        }

        @Override
        public String reason() {
            return "length";
        }

        @Override
        public boolean keeps(SampleRecord sample) {
            return sample.tokens() >= min && (max == 0 || sample.tokens() <= max);
        }
    }
}
