package dev.aha.runtime.task;

/** An endless, deterministic supply of training prompts. Not thread-safe: one consumer (the dispatcher). */
public interface PromptStream {
    TaskPrompt next();
}
