package dev.aha.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.task.BadLinePolicy;
import dev.aha.runtime.task.JsonlReader;
import dev.aha.runtime.task.JsonlRecord;
import dev.aha.runtime.tokenizer.HfTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha tokenize}: what a tokenizer and its chat template make of each line, so a user can check a template
 * before training on it. One JSON object per input line: the rendered text, its ids and their count.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the token ids of each JSON line (and its chat text).",
            "With --chat the line is rendered through the tokenizer's chat template first.",
            "Each input line: {\"messages\": [{\"role\": ..., \"content\": ...}, ...]} (needs --chat), or "
                    + "{\"text\"|\"prompt\"|\"question\": ...} (with --chat: one user turn).",
            "Each output line: line, text, ids, count."})
public final class TokenizeCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--tokenizer", required = true, paramLabel = "DIR",
            description = "A directory with tokenizer.json and tokenizer_config.json.")
    Path tokenizerDir;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "JSON Lines to tokenize.")
    Path input;

    @Option(names = "--chat", description = "Render through the tokenizer's chat template first.")
    boolean chat;

    @Option(names = "--no-generation-prompt",
            description = "With --chat: do not open an assistant turn at the end (add_generation_prompt = false).")
    boolean noGenerationPrompt;

    @Mixin
    ChatFlags flags = new ChatFlags();

    @Override
    public Integer call() throws IOException {
        Map<String, Object> extra = flags.parse();
        PrintStream out = System.out;
        try (HfTokenizer tokenizer = HfTokenizer.load(tokenizerDir)) {
            ChatTemplate template = chat ? ChatTemplate.fromTokenizerConfig(tokenizer.config().file()) : null;
            JsonlReader.Summary summary = JsonlReader.read(input, BadLinePolicy.STOP, r -> {
                String text = template == null ? plainText(r) : template.render(messages(r), !noGenerationPrompt, extra);
                int[] ids = tokenizer.encode(text);
                ObjectNode line = JSON.createObjectNode();
                line.put("line", r.lineNumber());
                line.put("text", text);
                ArrayNode array = line.putArray("ids");
                for (int id : ids) {
                    array.add(id);
                }
                line.put("count", ids.length);
                out.println(line);
            });
            System.err.printf("aha tokenize: %d lines%s%n", summary.records(), chat ? " through the chat template" : "");
        }
        return 0;
    }

    private static String plainText(JsonlRecord r) {
        if (r.node().has("messages")) {
            throw r.problem("has messages: render them with --chat");
        }
        return r.requireText("text", "prompt", "question");
    }

    private static List<Map<String, Object>> messages(JsonlRecord r) {
        JsonNode messages = r.node().get("messages");
        if (messages == null) {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("role", "user");
            user.put("content", r.requireText("text", "prompt", "question"));
            return List.of(user);
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw r.problem("messages must be a non-empty array");
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (JsonNode m : messages) {
            if (!m.isObject() || !m.path("role").isTextual() || !m.path("content").isTextual()) {
                throw r.problem("each message needs a string role and a string content");
            }
            list.add(JSON.convertValue(m, JSON.getTypeFactory().constructMapType(Map.class, String.class,
                    Object.class)));
        }
        return list;
    }
}
