package dev.aha.runtime.task;

import dev.aha.runtime.agent.CompactTurnFormat;
import dev.aha.runtime.agent.GuessNumberEnvironment;
import dev.aha.runtime.chat.Conversation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Guess a secret number from 1 to {@link #MAX} with the {@code guess} tool ({@link GuessNumberEnvironment}), in as
 * few guesses as possible. Every prompt reads the same: the secret is the row's reference answer, which the policy
 * never sees, so held-out rows differ from training rows only in their draws (the secrets of both are 1..MAX).
 *
 * <p>The cold start's worked games guess at random within what the answers so far allow for their first
 * {@link #RANDOM_GUESSES} guesses, then bisect: they always solve, in more guesses than bisection from the start, which
 * leaves RL turns to save, and the longest fits the built-in GPT's context.
 */
public final class GuessNumberTask implements Task {

    public static final String NAME = "guess-number";
    /** Secrets are 1..MAX: small enough that a whole game fits the built-in GPT's context of 160 characters. */
    public static final int MAX = 16;
    public static final String QUESTION = "Guess my number (1-" + MAX + ").";
    /** Guesses of a worked game drawn at random before it bisects. */
    public static final int RANDOM_GUESSES = 2;
    private static final long HELD_OUT_SEED = 0x6E55_0F_E7A1L;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String referenceAnswer(String datasetAnswer) {
        return datasetAnswer.trim();
    }

    @Override
    public PromptStream trainStream(long seed) {
        Random rng = new Random(seed);
        long[] drawn = {0};
        return () -> game(rng, "train/" + drawn[0]++);
    }

    @Override
    public List<TaskPrompt> heldOut(int n) {
        Random rng = new Random(HELD_OUT_SEED);
        List<TaskPrompt> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(game(rng, "held-out/" + i));
        }
        return out;
    }

    private static TaskPrompt game(Random rng, String id) {
        int secret = 1 + rng.nextInt(MAX);
        List<String> messages = new ArrayList<>(List.of("user", QUESTION));
        StringBuilder trace = new StringBuilder();
        int low = 1;
        int high = MAX;
        for (int n = 0; ; n++) {
            int guess = n < RANDOM_GUESSES ? low + rng.nextInt(high - low + 1) : (low + high) / 2;
            String answer = GuessNumberEnvironment.answer(guess, secret);
            String call = (n == 0 ? "<think>" : "") + CompactTurnFormat.OPEN + GuessNumberEnvironment.TOOL + ' '
                    + guess + CompactTurnFormat.CLOSE;
            messages.addAll(List.of("assistant", call, "tool", answer));
            trace.append(call).append(CompactTurnFormat.RESULT).append(answer);
            if (guess == secret) {
                break;
            }
            if (guess < secret) {
                low = guess + 1;
            } else {
                high = guess - 1;
            }
        }
        String answer = "</think> <answer>" + secret + "</answer>";
        messages.addAll(List.of("assistant", answer));
        trace.append(answer);
        return new TaskPrompt(NAME + "/" + id + "/" + secret, QUESTION, Integer.toString(secret), trace.toString(),
                null, Conversation.of(messages.toArray(String[]::new)));
    }
}
