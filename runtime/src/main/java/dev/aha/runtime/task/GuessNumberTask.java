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
 * <p>The cold start's worked games play badly on purpose, so RL has games to win and guesses to save: they use the
 * answers (every guess is a number still possible) but guess one time in {@link #ANYWHERE_ONE_IN} anywhere in what is
 * still possible and otherwise at one end of it (its lowest or highest number), and after {@link #GUESSES} guesses
 * without a hit they answer a number still possible. Played ideally, that solves about 0.69 of games in 4.7 guesses;
 * bisection solves every game in 3.4, within the same {@link #GUESSES}. The longest game fits the built-in GPT's
 * context.
 */
public final class GuessNumberTask implements Task {

    public static final String NAME = "guess-number";
    /** Secrets are 1..MAX: small enough that a whole game fits the built-in GPT's context of 160 characters. */
    public static final int MAX = 16;
    public static final String QUESTION = "Guess my number (1-" + MAX + ").";
    /** Guesses of a worked game before it answers; bisection needs at most 5 for 16 numbers. */
    public static final int GUESSES = 6;
    /** One guess of a worked game in this many is drawn from all that is still possible, the rest take an end. */
    public static final int ANYWHERE_ONE_IN = 3;
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
        int answer = -1;
        for (int n = 0; n < GUESSES && answer < 0; n++) {
            int guess = rng.nextInt(ANYWHERE_ONE_IN) == 0 ? low + rng.nextInt(high - low + 1)
                    : rng.nextBoolean() ? low : high;
            String told = GuessNumberEnvironment.answer(guess, secret);
            String call = (n == 0 ? "<think>" : "") + CompactTurnFormat.OPEN + GuessNumberEnvironment.TOOL + ' '
                    + guess + CompactTurnFormat.CLOSE;
            messages.addAll(List.of("assistant", call, "tool", told));
            trace.append(call).append(CompactTurnFormat.RESULT).append(told);
            if (guess == secret) {
                answer = secret;
            } else if (guess < secret) {
                low = guess + 1;
            } else {
                high = guess - 1;
            }
        }
        if (answer < 0) { // out of guesses: a number still possible, right by chance
            answer = low + rng.nextInt(high - low + 1);
        }
        String last = "</think> <answer>" + answer + "</answer>";
        messages.addAll(List.of("assistant", last));
        trace.append(last);
        return new TaskPrompt(NAME + "/" + id + "/" + secret, QUESTION, Integer.toString(secret), trace.toString(),
                null, Conversation.of(messages.toArray(String[]::new)));
    }
}
