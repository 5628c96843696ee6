package dev.aha.runtime.rejection;

import com.typesafe.config.Config;
import java.util.List;

/**
 * What {@code aha reject} keeps (reference.conf's {@code aha.reject}, each key overridable on the command line).
 *
 * @param minLanguage least language-consistency score (share of the chain of thought's words in the target script)
 * @param repetitionNgram n of the repeated n-gram fraction
 * @param maxRepetition most repeated n-gram fraction ({@link RepeatedNgrams})
 * @param minTokens fewest completion tokens
 * @param maxTokens most completion tokens; 0 = no bound
 * @param maxPerPrompt most completions kept per prompt (the first ones of its group that pass); 0 = no cap
 * @param maxAllCorrectShare most share of the kept prompts that may be prompts every sample solved (too easy to
 *     teach much); the excess, chosen by a hash of the prompt id and {@code seed}, is dropped. 1 = no cap
 * @param seed picks which all-correct prompts the share drops
 */
public record RejectionSettings(double minLanguage, int repetitionNgram, double maxRepetition, int minTokens,
        int maxTokens, int maxPerPrompt, double maxAllCorrectShare, long seed) {

    public RejectionSettings {
        rules(minLanguage, repetitionNgram, maxRepetition, minTokens, maxTokens); // each rule checks its bounds
        if (maxPerPrompt < 0) {
            throw new IllegalArgumentException("max-per-prompt must be >= 0 (0: no cap), was " + maxPerPrompt);
        }
        if (!(maxAllCorrectShare >= 0 && maxAllCorrectShare <= 1)) {
            throw new IllegalArgumentException("max-all-correct-share must be in [0, 1], was " + maxAllCorrectShare);
        }
    }

    /** Reads {@code aha.reject} (see reference.conf). */
    public static RejectionSettings fromConfig(Config reject) {
        return new RejectionSettings(reject.getDouble("min-language"), reject.getInt("repetition-ngram"),
                reject.getDouble("max-repetition"), reject.getInt("min-tokens"), reject.getInt("max-tokens"),
                reject.getInt("max-per-prompt"), reject.getDouble("max-all-correct-share"), reject.getLong("seed"));
    }

    /** The per-line rules, in the order a line is checked (and its rejection counted). */
    public List<RejectionRule> rules() {
        return rules(minLanguage, repetitionNgram, maxRepetition, minTokens, maxTokens);
    }

    private static List<RejectionRule> rules(double minLanguage, int ngram, double maxRepetition, int minTokens,
            int maxTokens) {
        return List.of(new RejectionRule.Correct(), new RejectionRule.WellFormed(),
                new RejectionRule.LanguageConsistent(minLanguage), new RejectionRule.NotRepetitive(ngram, maxRepetition),
                new RejectionRule.LengthWithin(minTokens, maxTokens));
    }
}
