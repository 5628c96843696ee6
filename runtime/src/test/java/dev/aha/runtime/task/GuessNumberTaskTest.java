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

    @Test
    void itsWorkedGamesAreConsistentWithTheAnswersAndFitTheContext() {
        PromptStream stream = new GuessNumberTask().trainStream(1);
        double guesses = 0;
        int games = 500;
        for (int i = 0; i < games; i++) {
            TaskPrompt p = stream.next();
            int secret = Integer.parseInt(p.referenceAnswer());
            assertTrue(secret >= 1 && secret <= GuessNumberTask.MAX);
            Matcher m = CALL.matcher(p.solution());
            int n = 0;
            String last = null;
            while (m.find()) {
                assertEquals(GuessNumberEnvironment.answer(Integer.parseInt(m.group(1)), secret), m.group(2));
                last = m.group(2);
                n++;
            }
            assertEquals("yes", last, p.solution());
            assertTrue(p.solution().endsWith("<answer>" + secret + "</answer>"));
            assertTrue(("User: " + p.question() + " Assistant: ").length() + p.solution().length() <= 160,
                    "a whole game fits the GPT's context: " + p.solution());
            guesses += n;
        }
        assertTrue(guesses / games > 3.6, "random guessing leaves turns to save: " + guesses / games);
    }

    @Test
    void heldOutGamesAreFixed() {
        List<TaskPrompt> a = new GuessNumberTask().heldOut(20);
        assertEquals(a, new GuessNumberTask().heldOut(20));
        assertTrue(a.get(0).id().startsWith("guess-number/held-out/"));
    }
}
