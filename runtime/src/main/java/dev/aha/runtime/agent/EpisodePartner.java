package dev.aha.runtime.agent;

import dev.aha.runtime.rollout.TurnPartner;
import dev.aha.runtime.sampling.EpisodeOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The rollout's side of one episode: reads each turn the policy ends, runs the tool it calls or asks the
 * environment, and hands back the observation in ids, or the episode's end. Enforces aha.agent's limits: turns,
 * trajectory tokens, each call's time and output. A tool's failure is that call's error, counted and shown to the
 * policy; the environment's failure ends the episode as an error. Nothing here throws into the engine.
 *
 * <p>One turn is answered at a time; the engine's queue hands each answer back, so the counts written on the pool's
 * threads are seen by the engine's thread.
 */
final class EpisodePartner implements TurnPartner {

    private final Episode episode;
    private final Tool[] tools;
    private final TurnFormat format;
    private final AgentSettings settings;
    private final EnvironmentPool pool;
    private final AgentCounters counters;
    private int turns;
    private int toolCalls;
    private int toolErrors;
    private long environmentNanos;

    EpisodePartner(Episode episode, Tool[] tools, TurnFormat format, AgentSettings settings, EnvironmentPool pool,
            AgentCounters counters) {
        this.episode = episode;
        this.tools = tools;
        this.format = format;
        this.settings = settings;
        this.pool = pool;
        this.counters = counters;
    }

    @Override
    public boolean endsTurn(int token) {
        return format.endsTurn(token);
    }

    @Override
    public CompletableFuture<TurnReply> reply(int[] turn, boolean endedOnEndToken, int trajectoryLength) {
        int index = turns++;
        String text = format.decode(turn);
        String call = format.callText(text, endedOnEndToken);
        long start = System.nanoTime();
        if (call != null) {
            return ToolRun.run(call, tools, format, settings, pool).thenApply(result -> {
                long nanos = System.nanoTime() - start;
                environmentNanos += nanos;
                toolCalls++;
                toolErrors += result.error() == null ? 0 : 1;
                counters.call(nanos, result.error());
                return next(format.toolResult(result.content(), turn, endedOnEndToken), trajectoryLength);
            });
        }
        return pool.submit(() -> episode.respond(text, index), settings.callTimeout()).handle((reply, failure) -> {
            environmentNanos += System.nanoTime() - start;
            if (failure != null) {
                counters.environmentError();
                return TurnReply.end(outcome(Double.NaN, EpisodeOutcome.End.ERROR));
            }
            if (reply instanceof Reply.End end) {
                return TurnReply.end(outcome(end.reward(), EpisodeOutcome.End.ANSWERED));
            }
            return next(format.reply(((Reply.Observation) reply).text(), turn, endedOnEndToken), trajectoryLength);
        });
    }

    /** The observation, unless it would pass a limit: then the episode ends there. */
    private TurnReply next(int[] observation, int trajectoryLength) {
        if (turns >= settings.maxTurns()) {
            return TurnReply.end(outcome(Double.NaN, EpisodeOutcome.End.MAX_TURNS));
        }
        if (trajectoryLength + observation.length >= settings.maxTokens()) {
            return TurnReply.end(outcome(Double.NaN, EpisodeOutcome.End.MAX_TOKENS));
        }
        return TurnReply.observe(observation);
    }

    @Override
    public EpisodeOutcome cut(EpisodeOutcome.End end, boolean midTurn) {
        turns += midTurn ? 1 : 0;
        return outcome(Double.NaN, end);
    }

    private EpisodeOutcome outcome(double reward, EpisodeOutcome.End end) {
        return new EpisodeOutcome(reward, turns, toolCalls, toolErrors, environmentNanos, end);
    }

    /** The cause a future failed with, unwrapped. */
    static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
