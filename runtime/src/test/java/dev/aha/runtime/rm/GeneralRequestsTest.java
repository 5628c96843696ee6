package dev.aha.runtime.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Synthetic general requests: the chosen reply answers the request, the rejected one does not; seeded. */
class GeneralRequestsTest {

    @Test
    void shouldPreferTheReplyThatAnswersTheRequest() {
        Random rng = new Random(1);
        Set<String> questions = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            GeneralRequests.Request r = GeneralRequests.draw(rng);
            questions.add(r.question());
            String[] words = r.question().replace(".", "").split(" ");
            String name = words[1];
            String thing = r.question().startsWith("Tell") ? words[3] : words[words.length - 1];
            assertTrue(r.chosen().contains(name) && r.chosen().contains(thing), r + " names " + name + ", " + thing);
            assertNotEquals(r.chosen(), r.rejected());
            assertTrue(!r.rejected().contains(name) || !r.rejected().contains(thing), "rejected misses one: " + r);
        }
        assertTrue(questions.size() > 200, "varied: " + questions.size());
        assertEquals(GeneralRequests.draw(new Random(9)), GeneralRequests.draw(new Random(9)));
    }
}
