package dev.aha.app.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.agent.ChatTurnFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * One streamed answer as OpenAI's server-sent events: {@code chat.completion.chunk} (or {@code text_completion})
 * objects, each a {@code data:} event, ending with {@code data: [DONE]}. A chat's text goes out as it grows, held
 * back from where a {@code <tool_call>} begins (or may begin): at the end a well-formed call goes out as a
 * {@code tool_calls} delta, and anything else held back as content. Built by the generator's thread alone.
 */
final class StreamChunks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean chat;
    private final String id;
    private final String model;
    private final long created;
    private final boolean usage;
    private final StringBuilder text = new StringBuilder();
    private int sent;

    /**
     * @param chat chat chunks (else completion chunks)
     * @param usage whether a last chunk carries the usage ({@code stream_options.include_usage})
     */
    StreamChunks(boolean chat, String id, String model, boolean usage) {
        this.chat = chat;
        this.id = id;
        this.model = model;
        this.created = System.currentTimeMillis() / 1000;
        this.usage = usage;
    }

    /** The events that open the stream: a chat's assistant role. */
    List<String> start() {
        if (!chat) {
            return List.of();
        }
        ObjectNode chunk = chunk();
        ObjectNode choice = choice(chunk);
        choice.putObject("delta").put("role", "assistant").put("content", "");
        choice.putNull("finish_reason");
        return List.of(event(chunk));
    }

    /** The events for {@code more} text: what can be shown of it now. */
    List<String> text(String more) {
        text.append(more);
        int safe = chat ? beforeAnyCall() : text.length();
        if (safe <= sent) {
            return List.of();
        }
        String delta = text.substring(sent, safe);
        sent = safe;
        return List.of(event(content(delta)));
    }

    /** The closing events: what was held back (or the calls), the finish reason, the usage if asked, [DONE]. */
    List<String> end(Generator.Generation g) {
        if (g.text().length() > text.length() && g.text().startsWith(text.toString())) {
            text.append(g.text(), text.length(), g.text().length()); // a last piece held mid-character
        }
        List<String> out = new ArrayList<>();
        String finish = g.finished() ? "stop" : "length";
        ObjectNode message = chat ? ToolCallText.message(text.toString(), id) : null;
        if (message != null && message.has("tool_calls")) {
            int first = ToolCallText.firstCall(text.toString());
            if (first > sent) {
                out.add(event(content(text.substring(sent, first))));
            }
            ObjectNode chunk = chunk();
            ObjectNode choice = choice(chunk);
            ArrayNode calls = choice.putObject("delta").putArray("tool_calls");
            choice.putNull("finish_reason");
            int index = 0;
            for (JsonNode call : message.get("tool_calls")) {
                calls.addObject().put("index", index++).setAll((ObjectNode) call);
            }
            out.add(event(chunk));
            finish = "tool_calls";
        } else if (text.length() > sent) {
            out.add(event(content(text.substring(sent))));
        }
        sent = text.length();
        ObjectNode last = chunk();
        ObjectNode choice = choice(last);
        if (chat) {
            choice.putObject("delta");
        } else {
            choice.put("text", "").putNull("logprobs");
        }
        choice.put("finish_reason", finish);
        out.add(event(last));
        if (usage) {
            ObjectNode counts = chunk();
            counts.putArray("choices");
            counts.putObject("usage").put("prompt_tokens", g.promptTokens()).put("completion_tokens", g.tokens().length)
                    .put("total_tokens", g.promptTokens() + g.tokens().length);
            out.add(event(counts));
        }
        out.add("data: [DONE]\n\n");
        return out;
    }

    /** An error event, for a generation that failed after the stream began. */
    static String error(String message) {
        ObjectNode out = JSON.createObjectNode();
        out.putObject("error").put("message", message).put("type", "server_error").putNull("code");
        return event(out);
    }

    /** Where the shown text must stop: before a {@code <tool_call>}, or before an end that may begin one. */
    private int beforeAnyCall() {
        int open = text.indexOf(ChatTurnFormat.CALL_OPEN, sent);
        if (open >= 0) {
            return open;
        }
        String tag = ChatTurnFormat.CALL_OPEN;
        String tail = text.substring(Math.max(sent, text.length() - tag.length() + 1));
        for (int keep = tail.length(); keep > 0; keep--) {
            if (tag.startsWith(tail.substring(tail.length() - keep))) {
                return text.length() - keep;
            }
        }
        return text.length();
    }

    private ObjectNode content(String delta) {
        ObjectNode chunk = chunk();
        ObjectNode choice = choice(chunk);
        if (chat) {
            choice.putObject("delta").put("content", delta);
        } else {
            choice.put("text", delta).putNull("logprobs");
        }
        choice.putNull("finish_reason");
        return chunk;
    }

    private ObjectNode chunk() {
        return JSON.createObjectNode().put("id", id).put("object", chat ? "chat.completion.chunk" : "text_completion")
                .put("created", created).put("model", model);
    }

    private static ObjectNode choice(ObjectNode chunk) {
        return chunk.putArray("choices").addObject().put("index", 0);
    }

    private static String event(ObjectNode data) {
        return "data: " + data + "\n\n";
    }
}
