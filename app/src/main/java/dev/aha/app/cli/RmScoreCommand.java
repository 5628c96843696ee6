package dev.aha.app.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.rm.PreferenceText;
import dev.aha.runtime.rm.RewardModel;
import dev.aha.runtime.rm.RewardModelSource;
import dev.aha.runtime.rm.RewardModelSources;
import dev.aha.runtime.task.BadLinePolicy;
import dev.aha.runtime.task.JsonlReader;
import dev.aha.runtime.task.JsonlRecord;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aha rm score}: one JSON line per input line, in order, with the reward model's score and the token ids it
 * scored. Input lines: {@code text} (a string or a message list), {@code messages}, or {@code prompt} with
 * {@code completion} (both strings or both message lists) — tokenized as {@code aha rm train} tokenizes a pair's side.
 */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score JSON Lines with a reward model.",
            "Writes {\"line\", \"score\", \"ids\"} per input line.",
            "Input: {\"text\": ...}, {\"messages\": [...]}, or {\"prompt\": ..., \"completion\": ...}."})
public final class RmScoreCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A reward model directory.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "JSON Lines to score.")
    Path input;

    @Option(names = "--tokenizer", paramLabel = "DIR|char", description = "Default: the one the model names.")
    String tokenizer;

    @Option(names = "--batch-size", defaultValue = "8", paramLabel = "N",
            description = "Sequences a forward (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--context", defaultValue = "2048", paramLabel = "N",
            description = "Caps a Hugging Face model's context (default: ${DEFAULT-VALUE}).")
    int context;

    private record Line(int number, int[] ids) {}

    @Override
    public Integer call() {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be positive, was " + batchSize);
        }
        RewardModelSource source = RewardModelSources.openForScoring(model, context);
        ComputeThreads.prepare(Math.max(1, Runtime.getRuntime().availableProcessors()));
        List<Line> lines = new ArrayList<>();
        try (RewardModelTokens tokens = RewardModelTokens.open(model, tokenizer, context)) {
            JsonlReader.read(input, BadLinePolicy.STOP, r -> {
                int[] ids = ids(r, tokens.text());
                if (ids.length > source.contextLength()) {
                    throw r.problem("is " + ids.length + " tokens, beyond the reward model's context of "
                            + source.contextLength());
                }
                lines.add(new Line(r.lineNumber(), ids));
            });
        }
        PrintStream out = System.out;
        try (NDManager manager = NDManager.newBaseManager(); RewardModel rm = source.create(manager, 0)) {
            for (int from = 0; from < lines.size(); from += batchSize) {
                List<Line> batch = lines.subList(from, Math.min(lines.size(), from + batchSize));
                float[] scores = rm.rewards(batch.stream().map(Line::ids).toList());
                for (int i = 0; i < scores.length; i++) {
                    ObjectNode o = JSON.createObjectNode().put("line", batch.get(i).number()).put("score", scores[i]);
                    ArrayNode ids = o.putArray("ids");
                    for (int id : batch.get(i).ids()) {
                        ids.add(id);
                    }
                    out.println(o);
                }
            }
        }
        System.err.printf("aha rm score: %,d lines scored by %s (%s)%n", lines.size(), model, source.architecture());
        return 0;
    }

    private static int[] ids(JsonlRecord r, PreferenceText text) {
        JsonNode node = r.node();
        if (node.has("text")) {
            return text.ids(r, null, node.get("text"), "text");
        }
        if (node.has("messages")) {
            return text.ids(r, null, node.get("messages"), "messages");
        }
        if (node.has("completion")) {
            JsonNode prompt = node.get("prompt");
            return text.ids(r, prompt == null || prompt.isNull() ? null : prompt, node.get("completion"),
                    "completion");
        }
        throw r.problem("needs \"text\", \"messages\", or \"prompt\" and \"completion\"");
    }
}
