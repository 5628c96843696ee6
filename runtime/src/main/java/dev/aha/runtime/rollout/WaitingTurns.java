package dev.aha.runtime.rollout;

import dev.aha.runtime.rollout.TurnPartner.TurnReply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Multi-turn sequences out of the batch while their environment answers, and the answers that came back. Replies
 * arrive on the environments' threads into a queue; everything else runs on the engine's thread. A sequence keeps
 * its slot reserved while it waits (the engine counts it as taken), so its answer can always be decoded at once.
 */
final class WaitingTurns<K> {

    /** An answer to a turn: the reply, or why there is none. */
    record Answer<K>(Sequence<K> sequence, TurnReply reply, Throwable failure, long generation) {}

    private final LinkedBlockingQueue<Answer<K>> answers = new LinkedBlockingQueue<>();
    private final Set<Sequence<K>> waiting = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Bumped when everything in flight is dropped: answers to older generations are ignored. */
    private long generation;

    /** Hands {@code s}'s finished turn to its partner. */
    void send(Sequence<K> s, boolean endedOnEndToken) {
        waiting.add(s);
        long g = generation;
        CompletableFuture<TurnReply> reply;
        try {
            reply = s.partner.reply(s.turn(), endedOnEndToken, s.length());
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((r, e) -> answers.add(new Answer<>(s, r, e, g)));
    }

    /** Sequences whose turn is with their environment (their slots stay reserved). */
    int size() {
        return waiting.size();
    }

    /**
     * The answers that came back, waiting up to {@code waitMillis} for the first when none has (the engine has
     * nothing else to do then; waiting here rather than spinning leaves the core to the environments).
     */
    List<Answer<K>> take(long waitMillis) {
        List<Answer<K>> out = new ArrayList<>();
        if (waiting.isEmpty()) {
            return out;
        }
        try {
            Answer<K> first = waitMillis > 0 ? answers.poll(waitMillis, TimeUnit.MILLISECONDS) : answers.poll();
            if (first == null) {
                return out;
            }
            out.add(first);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out;
        }
        answers.drainTo(out);
        out.removeIf(a -> a.generation() != generation || !waiting.remove(a.sequence()));
        return out;
    }

    /** Drops every waiting sequence; returns their groups' keys. Late answers to them are ignored. */
    Set<K> abandon() {
        Set<K> keys = new LinkedHashSet<>();
        for (Sequence<K> s : waiting) {
            keys.add(s.group.key());
        }
        waiting.clear();
        answers.clear();
        generation++;
        return keys;
    }
}
