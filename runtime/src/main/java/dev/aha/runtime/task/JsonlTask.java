package dev.aha.runtime.task;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Problems from JSON Lines files, as the Hugging Face world writes them: each line an object with {@code question}
 * (or {@code prompt}), {@code answer} (string or number) and optionally {@code solution}. GSM8K's answers are
 * understood: the reference is the text after the last {@code "#### "} (thousands separators removed), and the
 * worked solution is the answer text with its {@code <<…>>} calculator annotations removed. An optional
 * {@code reward} field ({@code rule}, {@code model} or {@code both}) routes the line to the rules, the reward model
 * or both (R1's last stage); a line rewarded by the model alone needs no {@code answer}.
 *
 * <p>Ids are {@code <task>/<file name>:<line>}. Without a held-out file, a line is held out when the CRC32 of its
 * question is 0 mod 10.
 *
 * <p>HumanEval-style code problems ({@link #humanEval}) are read from {@code prompt}, {@code test} and
 * {@code entry_point}: the reference is a test program, the task's {@code test} followed by
 * {@code check(<entry_point>)}, which the code reward runs after the completion's program.
 */
public final class JsonlTask implements Task {

    private final String name;
    private final List<TaskPrompt> train;
    private final List<TaskPrompt> heldOut;
    private final JsonlReader.Summary trainSummary;

    private JsonlTask(String name, List<TaskPrompt> train, List<TaskPrompt> heldOut, JsonlReader.Summary summary) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("task " + name + " has no training prompts");
        }
        this.name = name;
        this.train = List.copyOf(train);
        this.heldOut = List.copyOf(heldOut);
        this.trainSummary = summary;
    }

    /** GSM8K: train.jsonl to train on, test.jsonl held out. */
    public static JsonlTask gsm8k(Path trainPath, Path heldOutPath, BadLinePolicy policy) {
        return load("gsm8k", trainPath, heldOutPath, policy);
    }

    /**
     * @param heldOutPath the held-out file, or null to hold out about a tenth of {@code trainPath} by hash
     */
    public static JsonlTask load(String name, Path trainPath, Path heldOutPath, BadLinePolicy policy) {
        return load(name, trainPath, heldOutPath, policy, JsonlTask::toPrompt);
    }

    /**
     * HumanEval (and data in its form): {@code prompt} (a signature and docstring), {@code test} (defining
     * {@code check(candidate)}), {@code entry_point}, optionally {@code canonical_solution} for worked solutions.
     */
    public static JsonlTask humanEval(String name, Path trainPath, Path heldOutPath, BadLinePolicy policy) {
        return load(name, trainPath, heldOutPath, policy, CodeProblems::humanEvalPrompt);
    }

    private interface PromptReader {
        TaskPrompt read(String task, JsonlRecord record);
    }

    private static JsonlTask load(String name, Path trainPath, Path heldOutPath, BadLinePolicy policy,
            PromptReader reader) {
        List<TaskPrompt> all = new ArrayList<>();
        JsonlReader.Summary summary = JsonlReader.read(trainPath, policy, r -> all.add(reader.read(name, r)));
        if (heldOutPath != null) {
            List<TaskPrompt> held = new ArrayList<>();
            JsonlReader.read(heldOutPath, policy, r -> held.add(reader.read(name, r)));
            return new JsonlTask(name, all, held, summary);
        }
        List<TaskPrompt> train = new ArrayList<>();
        List<TaskPrompt> held = new ArrayList<>();
        for (TaskPrompt p : all) {
            (hashHeldOut(p.question()) ? held : train).add(p);
        }
        return new JsonlTask(name, train, held, summary);
    }

    /** The reference answer under GSM8K's convention (also used for plain answers). */
    public static String gsm8kReference(String answer) {
        int at = answer.lastIndexOf("####");
        String tail = at >= 0 ? answer.substring(at + 4) : answer;
        return tail.trim().replace(",", "");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String referenceAnswer(String datasetAnswer) {
        return gsm8kReference(datasetAnswer);
    }

    /** The first training prompt whose own route sends it to the reward model, if any. */
    public Optional<TaskPrompt> firstRoutedToModel() {
        return train.stream().filter(TaskPrompt::routedToModel).findFirst();
    }

    /** Lines read and skipped from the training file. */
    public JsonlReader.Summary trainSummary() {
        return trainSummary;
    }

    public int trainSize() {
        return train.size();
    }

    public int heldOutSize() {
        return heldOut.size();
    }

    @Override
    public PromptStream trainStream(long seed) {
        return PromptStream.shuffledEpochs(train, seed);
    }

    @Override
    public List<TaskPrompt> heldOut(int n) {
        if (n > heldOut.size()) {
            throw new IllegalArgumentException(
                    "task " + name + " holds out " + heldOut.size() + " prompts, fewer than the " + n + " asked for");
        }
        return heldOut.subList(0, n);
    }

    private static TaskPrompt toPrompt(String name, JsonlRecord r) {
        String question = r.requireText("question", "prompt");
        String reward = r.optionalText("reward");
        if (reward != null && !TaskPrompt.ROUTES.contains(reward)) {
            throw r.problem("\"reward\" must be rule, model or both, was '" + reward + "'");
        }
        String id = name + "/" + r.path().getFileName() + ":" + r.lineNumber();
        if ("model".equals(reward) && r.optionalText("answer") == null) {
            return new TaskPrompt(id, question, "", null, reward);
        }
        String answer = r.requireText("answer");
        String reference = gsm8kReference(answer);
        if (reference.isEmpty()) {
            throw r.problem("\"answer\" has nothing after \"####\"");
        }
        String solution = r.optionalText("solution");
        if (solution == null && answer.contains("####")) {
            solution = answer.replaceAll("<<[^>]*>>", "");
        }
        return new TaskPrompt(id, question, reference, solution, reward);
    }

    private static boolean hashHeldOut(String question) {
        CRC32 crc = new CRC32();
        crc.update(question.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % 10 == 0;
    }
}
