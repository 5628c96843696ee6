package dev.aha.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --flag KEY=JSON}: keywords passed to a chat template (enable_thinking, say). */
final class ChatFlags {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--flag", paramLabel = "KEY=JSON",
            description = "A chat-template keyword, e.g. --flag enable_thinking=false (the value is JSON; bare words "
                    + "are strings). Repeatable.")
    List<String> flags = new ArrayList<>();

    /** The keywords by name, in the order given. */
    Map<String, Object> parse() {
        Map<String, Object> extra = new LinkedHashMap<>();
        for (String flag : flags) {
            int eq = flag.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--flag must be KEY=VALUE, was '" + flag + "'");
            }
            String value = flag.substring(eq + 1);
            Object parsed;
            try {
                parsed = JSON.readValue(value, Object.class);
            } catch (JsonProcessingException e) {
                parsed = value; // a bare word is a string
            }
            extra.put(flag.substring(0, eq), parsed);
        }
        return extra;
    }
}
