package dev.aha.actors.run;

import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.task.ArithmeticTask;
import dev.aha.runtime.task.ArithmeticToolTask;
import dev.aha.runtime.task.GuessNumberTask;
import dev.aha.runtime.task.BadLinePolicy;
import dev.aha.runtime.task.JsonlTask;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.Tasks;
import dev.aha.runtime.task.TinyCodeTask;
import java.nio.file.Path;

/** Builds the task a run names, with the data files the user passed for the file-based ones. */
public final class TaskFactory {

    private TaskFactory() {}

    /**
     * @param trainFile JSON Lines to train on (gsm8k, jsonl, humaneval)
     * @param evalFile JSON Lines held out (gsm8k: its test.jsonl; jsonl, humaneval: optional, else a tenth of train by
     *     hash)
     */
    public static Task create(String name, RunConfig config, Path trainFile, Path evalFile) {
        Task task = load(name, config, trainFile, evalFile);
        boolean learned = config.reward().model().hasModel()
                || config.reward().judge() != null && config.reward().judge().enabled();
        if (task instanceof JsonlTask rows && !learned) {
            rows.firstRoutedToModel().ifPresent(p -> {
                throw new IllegalArgumentException(p.id() + " is rewarded by the reward model (reward = " + p.reward()
                        + ") and aha.reward.model.path is empty");
            });
        }
        return task;
    }

    private static Task load(String name, RunConfig config, Path trainFile, Path evalFile) {
        return switch (Tasks.requireKnown(name)) {
            case "arithmetic" -> new ArithmeticTask(config.arithmetic());
            case TinyCodeTask.NAME -> new TinyCodeTask();
            case ArithmeticToolTask.NAME -> new ArithmeticToolTask(config.arithmeticTool(), config.agent().tools());
            case GuessNumberTask.NAME -> new GuessNumberTask();
            case "humaneval" -> JsonlTask.humanEval(name, require(trainFile, "--train", name), evalFile,
                    BadLinePolicy.STOP);
            case "gsm8k", Tasks.GSM8K_PYTHON -> JsonlTask.gsm8k(require(trainFile, "--train", name), require(evalFile, "--eval", name),
                    BadLinePolicy.STOP);
            default -> JsonlTask.load(name, require(trainFile, "--train", name), evalFile, BadLinePolicy.STOP);
        };
    }

    private static Path require(Path file, String option, String task) {
        if (file == null) {
            throw new IllegalArgumentException("task " + task + " needs " + option + " FILE (JSON Lines)");
        }
        return file;
    }
}
