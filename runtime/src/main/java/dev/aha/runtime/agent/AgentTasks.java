package dev.aha.runtime.agent;

import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.task.ArithmeticToolTask;
import dev.aha.runtime.sandbox.Sandbox;
import dev.aha.runtime.task.GuessNumberTask;
import dev.aha.runtime.task.Tasks;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.List;
import java.util.Map;

/** The environment each built-in multi-turn task runs its episodes in, and the tool-call format of a model. */
public final class AgentTasks {

    private AgentTasks() {}

    /** Whether task {@code name}'s tools run code in the sandbox (its runs start one). */
    public static boolean needsSandbox(String name) {
        return name.equals(Tasks.GSM8K_PYTHON);
    }

    /**
     * The environment of task {@code name}.
     *
     * @param sandbox where the python tool runs, for a task that {@link #needsSandbox}; else unused (may be null)
     */
    public static Environment environment(String name, Sandbox sandbox) {
        if (name.equals(Tasks.GSM8K_PYTHON)) {
            return new ToolUseEnvironment(List.of(new PythonTool(sandbox)));
        }
        if (name.equals(ArithmeticToolTask.NAME)) {
            return new ToolUseEnvironment(List.of(new CalculatorTool()));
        }
        if (name.equals(GuessNumberTask.NAME)) {
            return new GuessNumberEnvironment();
        }
        throw new IllegalArgumentException("task " + name + " has no environment");
    }

    /** The chat template's {@code tools} for task {@code name}'s environment. */
    public static List<Map<String, Object>> toolSchemas(String name) {
        return environment(name, null).tools().stream().map(Tool::schema).toList();
    }

    /** The model's own format through its chat template, or the compact one for a model without one. */
    public static TurnFormat format(PromptTemplate template, Tokenizer tokenizer) {
        ChatTemplate chat = template.chat();
        return chat == null ? new CompactTurnFormat(tokenizer)
                : new ChatTurnFormat(chat, template.chatFlags(), tokenizer);
    }
}
