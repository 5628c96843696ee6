package dev.aha.runtime.eval;

import dev.aha.runtime.reward.AnswerNormalizer;
import dev.aha.runtime.reward.ExtractMode;
import dev.aha.runtime.reward.MathEquivalence;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * cons@k for one prompt: the completions' final answers (found in the evaluation's {@link ExtractMode}, as pass@1
 * finds them) voted by normalised form, the winner judged against the reference as pass@1 judges a single answer
 * ({@link MathEquivalence}). The winner is judged as first written, not by its normalised key, which has lost what the
 * judge reads (a percent sign: {@code 50%} votes with {@code 50}).
 */
final class MajorityVote {
    private final Map<String, Integer> votes = new LinkedHashMap<>();
    private final Map<String, String> firstWritten = new LinkedHashMap<>();
    private final ExtractMode extract;

    /** Answers read strictly, as R1 trains. */
    MajorityVote() {
        this(ExtractMode.STRICT);
    }

    MajorityVote(ExtractMode extract) {
        this.extract = Objects.requireNonNull(extract, "extract");
    }

    /** Counts the completion's final answer; a completion without one casts no vote. */
    void add(String completion) {
        Optional<String> answer = extract.extract(completion);
        answer.flatMap(AnswerNormalizer::normalize).ifPresent(key -> {
            votes.merge(key, 1, Integer::sum);
            firstWritten.putIfAbsent(key, answer.get());
        });
    }

    /** Whether the most voted answer (ties: the one voted first) is the reference; false when nobody voted. */
    boolean majorityIs(String reference) {
        String winner = null;
        int most = 0;
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > most) {
                winner = e.getKey();
                most = e.getValue();
            }
        }
        return winner != null && MathEquivalence.equivalent(firstWritten.get(winner), reference);
    }
}
