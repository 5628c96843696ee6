package dev.aha.app.recipe;

import static dev.aha.app.recipe.RecipeValues.object;
import static dev.aha.app.recipe.RecipeValues.oneLine;
import static dev.aha.app.recipe.RecipeValues.path;
import static dev.aha.app.recipe.RecipeValues.positive;
import static dev.aha.app.recipe.RecipeValues.requireKnown;
import static dev.aha.app.recipe.RecipeValues.string;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A staged recipe for {@code aha pipeline}: a HOCON file read with Typesafe Config and checked whole before anything
 * runs. An unknown top-level key, stage kind or stage key, a value of the wrong type, a reference to a stage that does
 * not come earlier: each fails in one line naming it.
 *
 * <pre>
 *   task = arithmetic                 # optional: aha.train.task of every stage (else the config's)
 *   train-file = data/train.jsonl     # optional: the task's files (gsm8k, jsonl), relative to this file
 *   eval-file = data/test.jsonl
 *   config { aha.train.seed = 1 }     # aha.* settings of every stage, as in a --config file
 *   eval { prompts = 200, k = 8 }     # the held-out evaluation after every stage (aha.train.eval-prompts, eval-k)
 *   stages = [
 *     { name = cold-start, kind = sft, steps = 1000 }
 *     { name = rl, kind = grpo, minutes = 5, config { aha.grpo.beta = 0.02 } }
 *     ...
 *   ]
 * </pre>
 *
 * Paths in a recipe (train-file, eval-file, data, student) are relative to the recipe's folder.
 */
public record Recipe(Path file, String task, Path trainFile, Path evalFile, Config shared, Integer evalPrompts,
        Integer evalK, List<Stage> stages) {

    /** {@code from = initial}: the configured policy's initial weights (the built-in GPT's seeded ones). */
    public static final String INITIAL = "initial";

    public static final List<String> TOP_LEVEL = List.of("task", "train-file", "eval-file", "config", "eval", "stages");
    public static final List<String> EVAL = List.of("prompts", "k");

    /** Reads and checks {@code file}; every problem is an IllegalArgumentException of one line naming it. */
    public static Recipe load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("recipe " + file + " does not exist or is not a file");
        }
        Config root;
        try {
            root = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
                    .resolve();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("recipe " + file + ": " + oneLine(e.getMessage()), e);
        }
        try {
            return parse(file, root);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("recipe " + file + ": " + oneLine(e.getMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("recipe " + file + ": " + e.getMessage(), e);
        }
    }

    private static Recipe parse(Path file, Config root) {
        Path dir = file.toAbsolutePath().getParent();
        requireKnown(root.root().keySet(), TOP_LEVEL, "unknown top-level key", "a recipe takes");
        if (!root.hasPath("stages")) {
            throw new IllegalArgumentException("no stages: give stages = [ { name = ..., kind = ... }, ... ]");
        }
        String task = root.hasPath("task") ? string(root, "task", "task") : null;
        Path trainFile = root.hasPath("train-file") ? path(dir, root, "train-file", "train-file") : null;
        Path evalFile = root.hasPath("eval-file") ? path(dir, root, "eval-file", "eval-file") : null;
        Config shared = root.hasPath("config") ? object(root, "config", "config") : ConfigFactory.empty();
        Integer evalPrompts = null;
        Integer evalK = null;
        if (root.hasPath("eval")) {
            Config eval = object(root, "eval", "eval");
            requireKnown(eval.root().keySet(), EVAL, "eval: unknown key", "eval takes");
            evalPrompts = positive(eval, "prompts", "eval");
            evalK = positive(eval, "k", "eval");
        }
        ConfigValue list = root.getValue("stages");
        if (list.valueType() != ConfigValueType.LIST || ((ConfigList) list).isEmpty()) {
            throw new IllegalArgumentException("stages must be a non-empty list of { name = ..., kind = ... }");
        }
        List<Stage> stages = new ArrayList<>();
        Map<String, Stage> byName = new HashMap<>();
        for (ConfigValue v : (ConfigList) list) {
            Stage s = StageReader.read(dir, stages.size(), v, stages, byName);
            stages.add(s);
            byName.put(s.name(), s);
        }
        return new Recipe(file, task, trainFile, evalFile, shared, evalPrompts, evalK, List.copyOf(stages));
    }

    /** The stage's settings as written plus the recipe's shared ones: what its output depends on besides inputs. */
    public String fingerprintOf(Stage s) {
        ConfigRenderOptions concise = ConfigRenderOptions.concise();
        return String.join("\n", s.kind().label(), s.name(), s.block().root().render(concise),
                shared.root().render(concise), String.valueOf(task), String.valueOf(trainFile),
                String.valueOf(evalFile), String.valueOf(evalPrompts), String.valueOf(evalK));
    }
}
