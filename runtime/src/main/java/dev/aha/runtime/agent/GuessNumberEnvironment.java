package dev.aha.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number game: the row's reference answer is the secret; each {@code guess} call is answered {@code lo} (the
 * guess is too low), {@code hi} (too high) or {@code yes} (short: the built-in GPT's context holds a whole game),
 * and the turn that calls no tool is the answer, which ends the episode. The
 * environment's reward is the turn shaping alone, {@code -0.1} per guess after the first when the answer is the
 * secret (0 otherwise); whether it is right is the accuracy reward's to say, as for any task. So a solved game in
 * fewer guesses earns more.
 */
public final class GuessNumberEnvironment implements Environment {

    public static final String TOOL = "guess";
    /** What each guess after the first costs a solved game. */
    public static final double GUESS_COST = 0.1;
    private static final Pattern ANSWER = Pattern.compile("<answer>\\s*(-?\\d{1,9})\\s*</answer>");

    @Override
    public Episode start(EpisodeStart row) {
        return new Game(Integer.parseInt(row.referenceAnswer().trim()));
    }

    /** One of each tool for the chat template; every episode has its own, bound to its secret. */
    @Override
    public List<Tool> tools() {
        return List.of(new Game(0).guess);
    }

    /** What a guess is told: {@code lo} (too low), {@code hi} (too high) or {@code yes}. */
    public static String answer(int guess, int secret) {
        return guess == secret ? "yes" : guess < secret ? "lo" : "hi";
    }

    private static final class Game implements Episode {
        private final int secret;
        private final Tool guess = new GuessTool();
        private volatile int guesses;

        Game(int secret) {
            this.secret = secret;
        }

        @Override
        public Reply respond(String turn, int turnIndex) {
            Matcher m = ANSWER.matcher(turn);
            boolean solved = m.find() && Integer.parseInt(m.group(1)) == secret;
            return Reply.end(solved ? -GUESS_COST * Math.max(0, guesses - 1) : 0);
        }

        @Override
        public List<Tool> tools() {
            return List.of(guess);
        }

        private final class GuessTool implements Tool {
            @Override
            public String name() {
                return TOOL;
            }

            @Override
            public String description() {
                return "Guess the secret number: the answer is higher, lower or correct.";
            }

            @Override
            public Map<String, Object> parameters() {
                return Map.of("type", "object", "properties", Map.of("number", Map.of("type", "integer")),
                        "required", List.of("number"));
            }

            @Override
            public String primaryArgument() {
                return "number";
            }

            @Override
            public String call(JsonNode arguments) throws ToolException {
                JsonNode n = arguments.path("number");
                int value;
                try {
                    value = n.isInt() ? n.asInt() : Integer.parseInt(n.asText().strip());
                } catch (NumberFormatException e) {
                    throw new ToolException("guess needs a whole number");
                }
                guesses++;
                return answer(value, secret);
            }
        }
    }
}
