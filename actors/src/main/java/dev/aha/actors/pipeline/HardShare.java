package dev.aha.actors.pipeline;

/**
 * How many of the groups a run trained on, and of those it dropped as stale, came from hard prompts ({@link
 * HardPrompts}). Shares are over labelled prompts only (NaN when there were none).
 *
 * @param usedLabelled groups trained on whose prompt is labelled
 * @param usedHard of those, groups of prompts the cold start failed
 * @param staleLabelled groups dropped as stale whose prompt is labelled
 * @param staleHard of those, groups of prompts the cold start failed
 */
public record HardShare(long usedLabelled, long usedHard, long staleLabelled, long staleHard) {

    public static final HardShare NONE = new HardShare(0, 0, 0, 0);

    public double usedShare() {
        return usedLabelled == 0 ? Double.NaN : (double) usedHard / usedLabelled;
    }

    public double staleShare() {
        return staleLabelled == 0 ? Double.NaN : (double) staleHard / staleLabelled;
    }
}
