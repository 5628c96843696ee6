package dev.aha.runtime.agent;

/**
 * The dataset row an episode starts from.
 *
 * @param id the prompt's id
 * @param prompt the templated prompt the policy sees first
 * @param referenceAnswer the row's bare reference answer
 * @param sample which of the group's samples this episode is (0 .. G-1)
 */
public record EpisodeStart(String id, String prompt, String referenceAnswer, int sample) {}
