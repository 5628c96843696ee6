package dev.aha.runtime.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.agent.GuessNumberEnvironment;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GuessNumberTaskTest {

    private static final Pattern CALL = Pattern.compile("\\[guess (\\d+)]=(\\w+)");
    private static final Pattern ANSWER = Pattern.compile("<answer>(\\d+)</answer>$");

    @Test
    void itsWorkedGamesUseTheAnswersPlayBadlyAndFitTheContext() {
        PromptStream stream = new GuessNumberTask().trainStream(1);
        double guesses = 0;
        int solved = 0;
        int games = 2000;
        for (int i = 0; i < games; i++) {
            TaskPrompt p = stream.next();
            int secret = Integer.parseInt(p.referenceAnswer());
            assertTrue(secret >= 1 && secret <= GuessNumberTask.MAX);
            Matcher m = CALL.matcher(p.solution());
            int n = 0;
            int low = 1;
            int high = GuessNumberTask.MAX;
            String last = null;
            while (m.find()) {
                int guess = Integer.parseInt(m.group(1));
                assertTrue(guess >= low && guess <= high, "every guess is still possible: " + p.solution());
                assertEquals(GuessNumberEnvironment.answer(guess, secret), m.group(2));
                low = guess < secret ? guess + 1 : low;
                high = guess > secret ? guess - 1 : high;
                last = m.group(2);
                n++;
            }
            assertTrue(n <= GuessNumberTask.GUESSES, p.solution());
            Matcher answer = ANSWER.matcher(p.solution());
            assertTrue(answer.find(), p.solution());
            int said = Integer.parseInt(answer.group(1));
            if ("yes".equals(last)) {
                assertEquals(secret, said);
            } else {
                assertEquals(GuessNumberTask.GUESSES, n, "only a game out of guesses answers without a hit");
                assertTrue(said >= low && said <= high, "it answers a number still possible: " + p.solution());
            }
            solved += said == secret ? 1 : 0;
            assertTrue(("User: " + p.question() + " Assistant: ").length() + p.solution().length() <= 160,
                    "a whole game fits the GPT's context: " + p.solution());
            guesses += n;
        }
        // bisection solves every game in 3.4 guesses on average: the cold start leaves games to win and turns to save
        assertTrue(guesses / games > 4.5, "guesses per game: " + guesses / games);
        double solveRate = (double) solved / games;
        assertTrue(solveRate > 0.6 && solveRate < 0.78, "solve rate: " + solveRate);
    }

    @Test
    void heldOutGamesAreFixed() {
        List<TaskPrompt> a = new GuessNumberTask().heldOut(20);
        assertEquals(a, new GuessNumberTask().heldOut(20));
        assertTrue(a.get(0).id().startsWith("guess-number/held-out/"));
    }
}
