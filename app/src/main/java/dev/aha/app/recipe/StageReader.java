package dev.aha.app.recipe;

import static dev.aha.app.recipe.RecipeValues.number;
import static dev.aha.app.recipe.RecipeValues.object;
import static dev.aha.app.recipe.RecipeValues.path;
import static dev.aha.app.recipe.RecipeValues.positive;
import static dev.aha.app.recipe.RecipeValues.requireKnown;
import static dev.aha.app.recipe.RecipeValues.string;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.aha.runtime.rejection.PromptSelection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One block of a recipe's {@code stages} read into a {@link Stage} and checked: its kind, its keys, the types of
 * their values, and the earlier stages it names.
 */
final class StageReader {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private StageReader() {}

    /**
     * @param dir the recipe's folder: paths are relative to it
     * @param index the stage's place in the recipe, from 0
     * @param earlier the stages before it, in order
     * @param byName the same by name
     */
    static Stage read(Path dir, int index, ConfigValue v, List<Stage> earlier, Map<String, Stage> byName) {
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
        if (!NAME.matcher(name).matches() || name.equals(Recipe.INITIAL)) {
            throw new IllegalArgumentException(where + ": name '" + name + "' must be lower-case letters, digits, "
                    + "- and _ (a folder name), and not '" + Recipe.INITIAL + "'");
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
        String previous = earlier.isEmpty() ? Recipe.INITIAL : earlier.get(earlier.size() - 1).name();
        String from = previous;
        if (block.hasPath("from")) {
            from = string(block, "from", where);
            if (!from.equals(Recipe.INITIAL)) {
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
        } else if (kind == StageKind.RM_TRAIN && steps == null) {
            throw new IllegalArgumentException(where + ": an rm-train stage needs steps = N, minutes = N or both");
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
        RewardModelKeys rm = RewardModelKeys.read(kind, block, where, data != null, prompts, byName);
        return new Stage(index, name, kind, block, config, from, steps, minutes, k, prompts, split, seed, data,
                dataFrom, samplesFrom, studentPath, studentConfig, rm.pairs(), rm.count(), rm.rewardModelFrom(),
                rm.generalShare());
    }

    private static void requireEarlier(String name, Map<String, Stage> byName, String where, String key,
            Predicate<StageKind> kinds) {
        Stage target = byName.get(name);
        if (target == null) {
            throw new IllegalArgumentException(where + ": " + key + " = " + name + " names no earlier stage");
        }
        if (kinds != null && !kinds.test(target.kind())) {
            throw new IllegalArgumentException(where + ": " + key + " = " + name + " names a " + target.kind().label()
                    + " stage, which writes no " + (key.equals("data-from") ? "SFT data" : "samples"));
        }
    }
}
