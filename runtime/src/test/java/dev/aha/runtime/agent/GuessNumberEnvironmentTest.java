package dev.aha.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.rollout.TurnPartner;
import dev.aha.runtime.rollout.TurnPartner.TurnReply;
import dev.aha.runtime.sampling.EpisodeOutcome;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The number game through the compact format: each episode's guesses act on its own secret. */
class GuessNumberEnvironmentTest {

    private final CharTokenizer chars = new CharTokenizer();
    private final EnvironmentPool pool = new EnvironmentPool(2, 16);
    private final Episodes episodes = new Episodes(new GuessNumberEnvironment(), new CompactTurnFormat(chars),
            new AgentSettings(true, 8, 160, Duration.ofSeconds(2), 200, 2, 16), pool);

    @AfterEach
    void close() {
        pool.close();
    }

    private String turn(TurnPartner p, String text, boolean end) throws Exception {
        TurnReply r = p.reply(chars.encode(text), end, 10).get();
        return r.ends() ? null : chars.decode(r.observation());
    }

    @Test
    void guessesAreAnsweredAndASolvedGameCostsItsExtraGuesses() throws Exception {
        TurnPartner game = episodes.open("p", "Guess", "11", 2).get(0);
        assertEquals("=lo", turn(game, "<think>[guess 7]", false));
        assertEquals("=hi", turn(game, "[guess 15]", false));
        assertEquals("=yes", turn(game, "[guess 11]", false));
        TurnReply end = game.reply(chars.encode("</think> <answer>11</answer>"), true, 60).get();
        assertEquals(EpisodeOutcome.End.ANSWERED, end.outcome().end());
        assertEquals(-0.2, end.outcome().reward(), 1e-12, "two guesses past the first");
        assertEquals(4, end.outcome().turns());
        assertEquals(3, end.outcome().toolCalls());
    }

    @Test
    void aWrongAnswerEarnsNoShapingAndEachEpisodeHasItsOwnSecret() throws Exception {
        TurnPartner first = episodes.open("p", "Guess", "3", 1).get(0);
        TurnPartner second = episodes.open("q", "Guess", "9", 1).get(0);
        assertEquals("=yes", turn(first, "[guess 3]", false));
        assertEquals("=lo", turn(second, "[guess 3]", false));
        assertEquals(0.0, second.reply(chars.encode("<answer>4</answer>"), true, 30).get().outcome().reward());
        assertTrue(turn(second, "[guess x]", false).startsWith("=error: guess needs a whole number"));
    }
}
