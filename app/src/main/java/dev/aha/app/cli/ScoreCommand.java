package dev.aha.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.aha.bench.ConfigOptions;
import dev.aha.runtime.reward.CompositeReward;
import dev.aha.runtime.reward.ExtractMode;
import dev.aha.runtime.reward.RewardBreakdown;
import dev.aha.runtime.reward.RewardInput;
import dev.aha.runtime.reward.RewardSettings;
import dev.aha.runtime.sandbox.CodeRunPool;
import dev.aha.runtime.sandbox.Sandbox;
import dev.aha.runtime.sandbox.SandboxSettings;
import dev.aha.runtime.task.JsonlReader;
import dev.aha.runtime.task.Tasks;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha score}: scores model outputs offline with exactly the reward code training uses. Reads JSON Lines with
 * a {@code completion} and a reference {@code answer}; writes one JSON line per input and a summary on stderr.
 */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score completions offline with the training rewards.",
            "The reward functions are those training uses. Each input line: {\"completion\": ..., \"answer\": ...} "
                    + "(answer in the task's convention: GSM8K's '#### n' for gsm8k and jsonl, the bare answer for "
                    + "arithmetic).",
            "Each output line: line, id (if given), accuracy, format, [language,] reward, extracted (the final "
                    + "answer as --extract finds it).",
            "Code tasks (humaneval, tinycode): the program (an <answer> block or a fenced code block) runs against the "
                    + "tests in the bubblewrap sandbox (aha.sandbox); input lines give the tests as \"answer\", or a "
                    + "\"task_id\" of --dataset; output lines add outcome (passed, failed, syntax_error, timeout, "
                    + "memory, killed), tests_passed, tests and millis."})
public final class ScoreCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROGRESS_EVERY = 100_000;

    @Option(names = "--task", required = true, description = "Answer convention: ${COMPLETION-CANDIDATES}.",
            completionCandidates = TaskNames.class)
    String task;

    @Option(names = "--input", paramLabel = "FILE", description = "JSON Lines to score (or --reference-solutions).")
    Path input;

    @Option(names = "--dataset", paramLabel = "FILE", description = "Code tasks: HumanEval-style JSON Lines (task_id, "
            + "prompt, test, entry_point, canonical_solution) whose tests an input line's task_id names.")
    Path dataset;

    @Option(names = "--reference-solutions", paramLabel = "KIND", description = "Code tasks, instead of --input: "
            + "score --dataset's own solutions: canonical (each canonical_solution after its prompt) or return-none "
            + "(each body replaced by 'return None').")
    String referenceSolutions;

    @Option(names = "--output", paramLabel = "FILE", description = "Where to write scores (default: stdout).")
    Path output;

    @Mixin
    BadLineOption onBadLine = new BadLineOption();

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Mixin
    ExtractOption extract = new ExtractOption();

    @Override
    public Integer call() throws IOException {
        Tasks.requireKnown(task);
        ExtractMode override = extract.mode();
        Config loaded = config.load();
        RewardSettings settings = RewardSettings.fromConfig(loaded.getConfig("aha.reward"));
        if (Tasks.isCode(task)) {
            SandboxSettings sandboxSettings = SandboxSettings.fromConfig(loaded.getConfig("aha.sandbox"));
            try (Sandbox sandbox = Sandbox.start(sandboxSettings)) { // started and checked; closed with the command
                return scoreCode(settings, sandbox);
            }
        }
        if (input == null || dataset != null || referenceSolutions != null) {
            throw new IllegalArgumentException("task " + task + " takes --input FILE; --dataset and "
                    + "--reference-solutions are for code tasks (" + String.join(", ", Tasks.CODE) + ")");
        }
        if (override != null) {
            settings = settings.withExtract(override);
        }
        ExtractMode mode = settings.extract();
        CompositeReward reward = settings.compose();
        PrintStream err = System.err;
        long start = System.nanoTime();
        Totals totals = new Totals();
        JsonlReader.Summary summary;
        try (Writer out = open(output)) {
            summary = JsonlReader.read(input, onBadLine.policy, record -> {
                String completion = record.requireText("completion");
                String reference = Tasks.referenceAnswer(task, record.requireText("answer"));
                RewardBreakdown scores = reward.evaluate(new RewardInput("", completion, reference));
                ObjectNode line = JSON.createObjectNode();
                line.put("line", record.lineNumber());
                if (record.node().has("id")) {
                    line.set("id", record.node().get("id"));
                }
                for (Map.Entry<String, Double> c : scores.components().entrySet()) {
                    line.put(c.getKey(), c.getValue());
                }
                line.put("reward", scores.total());
                line.put("extracted", mode.extract(completion).orElse(null));
                write(out, line);
                totals.add(scores);
                if (totals.lines % PROGRESS_EVERY == 0) {
                    err.printf("aha score: %,d lines...%n", totals.lines);
                }
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        err.printf("aha score: %d lines scored, %d skipped, in %.2f s: accuracy %.4f, format %.4f, mean reward %.4f%s%n",
                summary.records(), summary.skipped(), seconds, totals.mean(totals.accuracy), totals.mean(totals.format),
                totals.mean(totals.reward), output == null ? "" : " -> " + output);
        summary.firstProblems().forEach(p -> err.println("aha score: skipped " + p.getMessage()));
        return 0;
    }

    private int scoreCode(RewardSettings settings, Sandbox sandbox) throws IOException {
        SandboxSettings sandboxSettings = sandbox.settings();
        if (extract.given()) {
            throw new IllegalArgumentException("--extract says where answers are found; task " + task
                    + " runs programs (found in <answer> or a fenced code block)");
        }
        if ((input == null) == (referenceSolutions == null)) {
            throw new IllegalArgumentException("task " + task + " takes --input FILE or --reference-solutions KIND "
                    + "(with --dataset), one of them");
        }
        if (referenceSolutions != null && dataset == null) {
            throw new IllegalArgumentException("--reference-solutions needs --dataset FILE (HumanEval-style)");
        }
        ReferenceSolutions.Kind kind = referenceSolutions == null ? null
                : ReferenceSolutions.Kind.parse(referenceSolutions);
        Map<String, ReferenceSolutions.Problem> problems = dataset == null ? Map.of()
                : ReferenceSolutions.read(dataset, onBadLine.policy);
        CompositeReward reward = settings.composeForCode(sandbox);
        PrintStream err = System.err;
        long start = System.nanoTime();
        JsonlReader.Summary summary = null;
        int window = sandboxSettings.queueCapacity();
        try (Writer out = open(output);
                CodeScoring scoring = new CodeScoring(reward, CodeRunPool.of(sandboxSettings), window, out)) {
            if (referenceSolutions != null) {
                int n = 0;
                for (ReferenceSolutions.Problem p : problems.values()) {
                    scoring.add(new CodeScoring.Line(++n, p.taskId(), kind.completion(p), p.tests()));
                }
            } else {
                summary = JsonlReader.read(input, onBadLine.policy,
                        r -> scoring.add(ReferenceSolutions.line(r, problems)));
            }
            scoring.finish();
            double seconds = (System.nanoTime() - start) / 1e9;
            err.printf("aha score: %d %s scored%s in %.2f s (%d sandboxes at once): %d passed (%.4f), "
                            + "mean reward %.4f; outcomes: %s%s%n", scoring.lines(),
                    kind != null ? kind.label() + " solutions" : "lines",
                    summary == null ? "" : ", " + summary.skipped() + " skipped", seconds,
                    sandboxSettings.maxConcurrent(), scoring.passed(),
                    scoring.lines() == 0 ? 0.0 : (double) scoring.passed() / scoring.lines(), scoring.meanReward(),
                    scoring.outcomes(), output == null ? "" : " -> " + output);
        }
        if (summary != null) {
            summary.firstProblems().forEach(p -> err.println("aha score: skipped " + p.getMessage()));
        }
        return 0;
    }

    private static Writer open(Path output) throws IOException {
        if (output == null) {
            return new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)) {
                @Override
                public void close() throws IOException {
                    flush(); // never close stdout
                }
            };
        }
        Path parent = output.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return Files.newBufferedWriter(output, StandardCharsets.UTF_8);
    }

    private static void write(Writer out, ObjectNode line) {
        try {
            out.write(JSON.writeValueAsString(line));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Totals {
        long lines;
        double accuracy;
        double format;
        double reward;

        void add(RewardBreakdown b) {
            lines++;
            accuracy += b.components().getOrDefault("accuracy", 0.0);
            format += b.components().getOrDefault("format", 0.0);
            reward += b.total();
        }

        double mean(double sum) {
            return lines == 0 ? 0 : sum / lines;
        }
    }

    static final class TaskNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Tasks.NAMES.iterator();
        }
    }
}
