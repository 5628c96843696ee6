package dev.aha.protocol.pipeline;

/**
 * A rollout could not sample a leased prompt (it threw: a prompt too long for the context, a tokenizer that
 * refuses the text). The rollout carries on; the dispatcher re-issues the prompt or, when it keeps failing,
 * quarantines it.
 *
 * @param promptId the lease's prompt
 * @param attempt the lease's attempt
 * @param rolloutId which rollout failed
 * @param error the exception's class and message, for quarantine.jsonl
 */
public record LeaseFailed(long promptId, int attempt, String rolloutId, String error) implements DispatcherMessage {}
