package dev.aha.runtime.sft;

import dev.aha.runtime.agent.AgentTasks;
import dev.aha.runtime.agent.ChatTurnFormat;
import dev.aha.runtime.agent.TurnFormat;
import dev.aha.runtime.chat.Conversation;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A conversation as the ids an episode would have made of it: the prompt (everything before the first assistant
 * turn, with the assistant's turn opened), then each assistant turn as the policy would write it, trained, and the
 * tool result or user reply after it as the model's {@link TurnFormat} renders an observation, masked. So SFT on a
 * multi-turn trace trains on the ids RL later samples and conditions on, and never on what a tool said.
 *
 * <p>With a chat template, a turn is what the template renders for that assistant message (its {@code tool_calls}
 * included) after the generation prompt, cut after the call's {@code </tool_call>} when a tool answers it and after
 * the end token otherwise. Without one (the built-in GPT), the first user message goes through the prompt template,
 * a turn is its content as written ({@code [calculator 2*3]} for a call) and results follow as {@code =6}.
 * Between two assistant turns stands exactly one tool or user message: an episode makes one call per turn.
 */
public final class ConversationExamples {

    private final PromptTemplate template;
    private final Tokenizer tokenizer;
    private final Map<List<Object>, TurnFormat> formats = new HashMap<>();

    /** @param template the run's prompt template (its chat template and flags, if any) */
    public ConversationExamples(PromptTemplate template, Tokenizer tokenizer) {
        this.template = template;
        this.tokenizer = tokenizer;
    }

    public SftExample example(Conversation c) {
        int first = 0;
        while (!c.role(first).equals("assistant")) {
            first++;
        }
        if (first == 0) {
            throw new IllegalArgumentException("a conversation needs a message before its first assistant turn");
        }
        Map<String, Object> flags = flags(c);
        int[] prompt = prompt(c, first, flags);
        List<int[]> parts = new ArrayList<>();
        List<Boolean> trained = new ArrayList<>();
        int last = c.messages().size() - 1;
        while (!c.role(last).equals("assistant")) {
            last--; // what follows the last assistant turn trains nothing
        }
        for (int i = first; i <= last; i++) {
            int[] turn = turn(c, i, flags);
            if (i == last) {
                parts.add(endingOnEnd(turn));
                trained.add(true);
                break;
            }
            String next = c.role(i + 1);
            // i < last and the last message is the assistant's, so a non-assistant i + 1 has an i + 2
            boolean observation = next.equals("tool") || next.equals("user");
            if (!observation || !c.role(i + 2).equals("assistant")) {
                throw new IllegalArgumentException("message " + (observation ? i + 2 : i + 1) + ": between two "
                        + "assistant turns stands one tool or user message (an episode makes one call per turn)");
            }
            TurnFormat format = format(c);
            if (next.equals("tool")) {
                turn = endingOnCall(turn, format, i);
                parts.add(turn);
                parts.add(format.toolResult(c.content(i + 1), turn, false));
            } else {
                turn = endingOnEnd(turn);
                parts.add(turn);
                parts.add(format.reply(c.content(i + 1), turn, true));
            }
            trained.add(true);
            trained.add(false);
            i++;
        }
        int length = parts.stream().mapToInt(p -> p.length).sum();
        int[] completion = new int[length];
        boolean[] flagsOut = new boolean[length];
        int at = 0;
        for (int p = 0; p < parts.size(); p++) {
            System.arraycopy(parts.get(p), 0, completion, at, parts.get(p).length);
            Arrays.fill(flagsOut, at, at + parts.get(p).length, trained.get(p));
            at += parts.get(p).length;
        }
        return new SftExample(prompt, completion, flagsOut);
    }

    private Map<String, Object> flags(Conversation c) {
        Map<String, Object> flags = new LinkedHashMap<>(template.chatFlags());
        if (c.tools() != null) {
            flags.put("tools", c.tools());
        }
        return flags;
    }

    private int[] prompt(Conversation c, int first, Map<String, Object> flags) {
        if (template.isChat()) {
            return tokenizer.encode(template.chat().render(c.messages().subList(0, first), true, flags));
        }
        if (first != 1 || !c.role(0).equals("user")) {
            throw new IllegalArgumentException("without a chat template a conversation opens with one user message, "
                    + "rendered through the prompt template");
        }
        return tokenizer.encode(template.render(c.content(0)));
    }

    /** Assistant message {@code i} as the policy writes it (the end token not yet cut or added). */
    private int[] turn(Conversation c, int i, Map<String, Object> flags) {
        if (!template.isChat()) {
            if (c.messages().get(i).get("tool_calls") != null) {
                throw new IllegalArgumentException("message " + i + ": without a chat template a call is written in"
                        + " the content, [name input], not as tool_calls");
            }
            return tokenizer.encode(c.content(i));
        }
        String opened = template.chat().render(c.messages().subList(0, i), true, flags);
        String closed = template.chat().render(c.messages().subList(0, i + 1), false, flags);
        if (!closed.startsWith(opened)) {
            throw new IllegalArgumentException("message " + i + ": the chat template renders the conversation before "
                    + "this assistant turn differently once the turn follows");
        }
        return tokenizer.encode(closed.substring(opened.length()));
    }

    /** The turn up to and including its first end token (the end token added when it has none). */
    private int[] endingOnEnd(int[] turn) {
        int[] ends = tokenizer.endIds();
        for (int j = 0; j < turn.length; j++) {
            for (int end : ends) {
                if (turn[j] == end) {
                    return Arrays.copyOf(turn, j + 1);
                }
            }
        }
        int[] withEnd = Arrays.copyOf(turn, turn.length + 1);
        withEnd[turn.length] = tokenizer.endId();
        return withEnd;
    }

    /** The turn up to and including the token that closes its one call. */
    private static int[] endingOnCall(int[] turn, TurnFormat format, int i) {
        int close = -1;
        for (int j = 0; j < turn.length; j++) {
            if (format.endsTurn(turn[j])) {
                if (close >= 0) {
                    throw new IllegalArgumentException("message " + i + " makes more than one tool call (an episode "
                            + "makes one per turn)");
                }
                close = j;
            }
        }
        if (close < 0) {
            throw new IllegalArgumentException("message " + i + " is answered by a tool but makes no tool call");
        }
        return Arrays.copyOf(turn, close + 1);
    }

    private TurnFormat format(Conversation c) {
        return formats.computeIfAbsent(c.tools() == null ? List.of() : c.tools(), tools -> template.isChat()
                ? new ChatTurnFormat(template.chat(), flags(c), tokenizer) : AgentTasks.format(template, tokenizer));
    }
}
