package dev.aha.runtime.task;

/**
 * One problem to roll out.
 *
 * @param id stable across runs (see each task for its form)
 * @param question the raw problem, before templating
 * @param referenceAnswer the bare final answer the accuracy reward compares against ("18")
 * @param solution a worked solution in the think/answer format for SFT, or null if the source has none
 */
public record TaskPrompt(String id, String question, String referenceAnswer, String solution) {

    public TaskPrompt {
        if (id == null || question == null || referenceAnswer == null) {
            throw new IllegalArgumentException("id, question and referenceAnswer must be set");
        }
    }
}
