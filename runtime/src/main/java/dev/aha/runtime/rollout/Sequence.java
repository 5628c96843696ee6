package dev.aha.runtime.rollout;

import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.EpisodeOutcome;
import java.util.Arrays;
import java.util.Random;

/**
 * One sequence in flight: sample {@code index} of its group, with what it has drawn so far. A multi-turn one (with a
 * {@link TurnPartner}) also holds the observations between its turns, flagged as not the policy's.
 */
final class Sequence<K> {

    final Group<K> group;
    final int index;
    final Random rng;
    final int[] prompt;
    final TurnPartner partner;
    /** Tokens one turn may sample. */
    private final int maxNew;
    /** Tokens the whole trajectory may hold: the context less the prompt. */
    private final int room;
    private int[] tokens;
    private float[] logProbs;
    private long[] versions;
    private boolean[] policy;
    private int length;
    private int turnStart;

    Sequence(Group<K> group, int index, int[] prompt, int maxNew, int room, Random rng, TurnPartner partner) {
        this.group = group;
        this.index = index;
        this.prompt = prompt;
        this.rng = rng;
        this.partner = partner;
        this.maxNew = maxNew;
        this.room = room;
        int initial = partner == null ? maxNew : Math.min(room, Math.max(16, 2 * maxNew));
        this.tokens = new int[initial];
        this.logProbs = new float[initial];
        this.versions = new long[initial];
        this.policy = new boolean[initial];
    }

    void record(int token, float logProb, long version) {
        append(token, logProb, version, true);
    }

    /** Appends an observation as the environment gave it; false (nothing appended) when it does not fit the room. */
    boolean observe(int[] observation, long version) {
        if (length + observation.length >= room) { // the policy needs room for at least one more token
            return false;
        }
        for (int id : observation) {
            append(id, 0f, version, false);
        }
        turnStart = length;
        return true;
    }

    private void append(int token, float logProb, long version, boolean sampled) {
        if (length == tokens.length) {
            int grown = Math.min(room, tokens.length * 2);
            tokens = Arrays.copyOf(tokens, grown);
            logProbs = Arrays.copyOf(logProbs, grown);
            versions = Arrays.copyOf(versions, grown);
            policy = Arrays.copyOf(policy, grown);
        }
        tokens[length] = token;
        logProbs[length] = logProb;
        versions[length] = version;
        policy[length] = sampled;
        length++;
    }

    /** No room for another token: the turn's sampling limit or the slot's capacity. */
    boolean full() {
        return length - turnStart >= maxNew || length >= room;
    }

    int lastToken() {
        return tokens[length - 1];
    }

    int length() {
        return length;
    }

    long lastVersion() {
        return versions[length - 1];
    }

    /** The ids of the turn being sampled. */
    int[] turn() {
        return Arrays.copyOfRange(tokens, turnStart, length);
    }

    /** Prompt and trajectory: what a resumed sequence is prefilled with. */
    int[] context() {
        int[] all = Arrays.copyOf(prompt, prompt.length + length);
        System.arraycopy(tokens, 0, all, prompt.length, length);
        return all;
    }

    Completion toCompletion(boolean endedOnEndToken) {
        return new Completion(Arrays.copyOf(tokens, length), Arrays.copyOf(logProbs, length),
                Arrays.copyOf(versions, length), endedOnEndToken);
    }

    /** The episode's trajectory, its observations flagged. */
    Completion toEpisode(EpisodeOutcome outcome) {
        return new Completion(Arrays.copyOf(tokens, length), Arrays.copyOf(logProbs, length),
                Arrays.copyOf(versions, length), !outcome.end().truncated(), Arrays.copyOf(policy, length), outcome);
    }
}
