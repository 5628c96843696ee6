package dev.aha.runtime.agent;

import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.task.ArithmeticToolTask;
import dev.aha.runtime.task.GuessNumberTask;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.List;
import java.util.Map;

/** The environment each built-in multi-turn task runs its episodes in, and the tool-call format of a model. */
public final class AgentTasks {

    private AgentTasks() {}

    /** The environment of task {@code name}. */
    public static Environment environment(String name) {
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
        return environment(name).tools().stream().map(Tool::schema).toList();
    }

    /** The model's own format through its chat template, or the compact one for a model without one. */
    public static TurnFormat format(PromptTemplate template, Tokenizer tokenizer) {
        ChatTemplate chat = template.chat();
        return chat == null ? new CompactTurnFormat(tokenizer)
                : new ChatTurnFormat(chat, template.chatFlags(), tokenizer);
    }
}
