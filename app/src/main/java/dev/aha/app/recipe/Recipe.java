package dev.aha.app.recipe;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.aha.runtime.rejection.PromptSelection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

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

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

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
            Stage s = stage(dir, stages.size(), v, stages, byName);
            stages.add(s);
            byName.put(s.name(), s);
        }
        return new Recipe(file, task, trainFile, evalFile, shared, evalPrompts, evalK, List.copyOf(stages));
    }

    private static Stage stage(Path dir, int index, ConfigValue v, List<Stage> earlier, Map<String, Stage> byName) {
        String where = "stage " + (index + 1);
        if (v.valueType() != ConfigValueType.OBJECT) {
            throw new IllegalArgumentException(where + " is a " + v.valueType().name().toLowerCase()
                    + ", not a { name = ..., kind = ... } block");
        }
        Config block = ((ConfigObject) v).toConfig();
        if (!block.hasPath("name")) {
            throw new IllegalArgumentException(where + " has no name");
        }
        String name = string(block, "name", where);
        if (!NAME.matcher(name).matches() || name.equals(INITIAL)) {
            throw new IllegalArgumentException(where + ": name '" + name + "' must be lower-case letters, digits, "
                    + "- and _ (a folder name), and not '" + INITIAL + "'");
        }
        where = where + " '" + name + "'";
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException(where + ": the name is taken by " + byName.get(name).where());
        }
        if (!block.hasPath("kind")) {
            throw new IllegalArgumentException(where + " has no kind (kinds: " + StageKind.labels() + ")");
        }
        String label = string(block, "kind", where);
        StageKind kind = StageKind.parse(label);
        if (kind == null) {
            throw new IllegalArgumentException(where + ": unknown kind '" + label + "' (kinds: " + StageKind.labels()
                    + ")");
        }
        requireKnown(block.root().keySet(), kind.keys(), where + ": unknown key",
                "a " + kind.label() + " stage takes");
        Config config = block.hasPath("config") ? object(block, "config", where) : ConfigFactory.empty();
        String previous = earlier.isEmpty() ? INITIAL : earlier.get(earlier.size() - 1).name();
        String from = previous;
        if (block.hasPath("from")) {
            from = string(block, "from", where);
            if (!from.equals(INITIAL)) {
                requireEarlier(from, byName, where, "from", null);
            }
        }
        Integer steps = positive(block, "steps", where);
        Double minutes = null;
        if (block.hasPath("minutes")) {
            minutes = number(block, "minutes", where);
            if (!(minutes > 0)) {
                throw new IllegalArgumentException(where + ": minutes must be positive, was " + minutes);
            }
        } else if (kind == StageKind.GRPO) {
            throw new IllegalArgumentException(where + ": a grpo stage needs minutes = N (its RL wall time)");
        }
        Integer k = positive(block, "k", where);
        Integer prompts = positive(block, "prompts", where);
        PromptSelection.Split split = null;
        if (block.hasPath("split")) {
            String text = string(block, "split", where);
            try {
                split = PromptSelection.Split.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": split must be train or held-out, was '" + text + "'");
            }
        }
        Long seed = null;
        if (block.hasPath("seed")) {
            try {
                seed = block.getLong("seed");
            } catch (ConfigException.WrongType e) {
                throw new IllegalArgumentException(where + ": seed must be a whole number");
            }
        }
        Path data = block.hasPath("data") ? path(dir, block, "data", where) : null;
        if (data != null && !Files.isRegularFile(data)) {
            throw new IllegalArgumentException(where + ": data file " + data + " does not exist");
        }
        String dataFrom = null;
        if (block.hasPath("data-from")) {
            if (data != null) {
                throw new IllegalArgumentException(where + ": give data (a file) or data-from (a stage), not both");
            }
            dataFrom = string(block, "data-from", where);
            requireEarlier(dataFrom, byName, where, "data-from", StageKind::writesSftData);
        }
        String samplesFrom = null;
        if (kind == StageKind.REJECT) {
            if (block.hasPath("samples-from")) {
                samplesFrom = string(block, "samples-from", where);
                requireEarlier(samplesFrom, byName, where, "samples-from", StageKind::writesSamples);
            } else {
                for (int i = earlier.size() - 1; i >= 0 && samplesFrom == null; i--) {
                    if (earlier.get(i).kind().writesSamples()) {
                        samplesFrom = earlier.get(i).name();
                    }
                }
                if (samplesFrom == null) {
                    throw new IllegalArgumentException(where + ": no earlier stage samples (sample, "
                            + "rejection-sampling, distill) for this reject stage to filter");
                }
            }
        }
        Path studentPath = null;
        Config studentConfig = null;
        if (block.hasPath("student")) {
            ConfigValue student = block.getValue("student");
            if (student.valueType() == ConfigValueType.OBJECT) {
                studentConfig = ((ConfigObject) student).toConfig();
            } else if (student.valueType() == ConfigValueType.STRING) {
                studentPath = path(dir, block, "student", where);
                if (!Files.exists(studentPath)) {
                    throw new IllegalArgumentException(where + ": student " + studentPath + " does not exist");
                }
            } else {
                throw new IllegalArgumentException(where + ": student must be a Hugging Face model folder, a HOCON "
                        + "file, or a block of aha.* settings { aha.policy { model-dim = 64 } }");
            }
        } else if (kind == StageKind.DISTILL) {
            throw new IllegalArgumentException(where + ": a distill stage needs a student: a Hugging Face model "
                    + "folder, a HOCON file, or a block { aha.policy { model-dim = 64, layers = 2, heads = 2 } }");
        }
        return new Stage(index, name, kind, block, config, from, steps, minutes, k, prompts, split, seed, data,
                dataFrom, samplesFrom, studentPath, studentConfig);
    }

    /** The stage's settings as written plus the recipe's shared ones: what its output depends on besides inputs. */
    public String fingerprintOf(Stage s) {
        ConfigRenderOptions concise = ConfigRenderOptions.concise();
        return String.join("\n", s.kind().label(), s.name(), s.block().root().render(concise),
                shared.root().render(concise), String.valueOf(task), String.valueOf(trainFile),
                String.valueOf(evalFile), String.valueOf(evalPrompts), String.valueOf(evalK));
    }

    private static void requireEarlier(String name, Map<String, Stage> byName, String where, String key,
            java.util.function.Predicate<StageKind> kinds) {
        Stage target = byName.get(name);
        if (target == null) {
            throw new IllegalArgumentException(where + ": " + key + " = " + name + " names no earlier stage");
        }
        if (kinds != null && !kinds.test(target.kind())) {
            throw new IllegalArgumentException(where + ": " + key + " = " + name + " names a " + target.kind().label()
                    + " stage, which writes no " + (key.equals("data-from") ? "SFT data" : "samples"));
        }
    }

    private static void requireKnown(Set<String> given, List<String> allowed, String what, String takes) {
        for (String key : given.stream().sorted().toList()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(what + " '" + key + "' (" + takes + " " + String.join(", ", allowed)
                        + ")");
            }
        }
    }

    private static String string(Config c, String key, String where) {
        ConfigValue v = c.getValue(key);
        if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST
                || v.valueType() == ConfigValueType.NULL) {
            throw new IllegalArgumentException(where + ": " + key + " must be a word or a string");
        }
        return c.getString(key);
    }

    private static Path path(Path dir, Config c, String key, String where) {
        return dir.resolve(string(c, key, where)).normalize();
    }

    private static Config object(Config c, String key, String where) {
        if (c.getValue(key).valueType() != ConfigValueType.OBJECT) {
            throw new IllegalArgumentException(where + ": " + key + " must be a block { ... }");
        }
        return c.getConfig(key);
    }

    private static double number(Config c, String key, String where) {
        try {
            return c.getDouble(key);
        } catch (ConfigException.WrongType e) {
            throw new IllegalArgumentException(where + ": " + key + " must be a number");
        }
    }

    private static Integer positive(Config c, String key, String where) {
        if (!c.hasPath(key)) {
            return null;
        }
        int n;
        try {
            n = c.getInt(key);
        } catch (ConfigException.WrongType e) {
            throw new IllegalArgumentException(where + ": " + key + " must be a whole number");
        }
        if (n < 1) {
            throw new IllegalArgumentException(where + ": " + key + " must be at least 1, was " + n);
        }
        return n;
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ");
    }
}
