package dev.aha.actors.pipeline;

import dev.aha.runtime.rollout.ContinuousBatcher.FinishedGroup;
import dev.aha.runtime.tokenizer.Tokenizer;
import org.slf4j.Logger;

/** Logs a rollout's first few episodes whole, observations included: what the tool calls look like. */
final class FirstEpisodes {

    private static final int SHOWN = 3;

    private final String rolloutId;
    private final Tokenizer tokenizer;
    private final Logger log;
    private int shown;

    FirstEpisodes(String rolloutId, Tokenizer tokenizer, Logger log) {
        this.rolloutId = rolloutId;
        this.tokenizer = tokenizer;
        this.log = log;
    }

    /** The group's first episode while fewer than {@value #SHOWN} were shown; nothing for a single-turn group. */
    void show(FinishedGroup<Long> group) {
        var c = group.completions().get(0);
        if (c.episode() != null && shown++ < SHOWN) {
            log.info("{} episode: {} turns, {} tool calls ({} errors), {}: {}", rolloutId, c.episode().turns(),
                    c.episode().toolCalls(), c.episode().toolErrors(), c.episode().end(),
                    tokenizer.decode(c.tokens()).replace("\n", "\\n"));
        }
    }
}
