package dev.aha.app.recipe;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Typed values out of a recipe's blocks: a value of the wrong type or out of range fails in one line naming it. */
final class RecipeValues {

    private RecipeValues() {}

    static void requireKnown(Set<String> given, List<String> allowed, String what, String takes) {
        for (String key : given.stream().sorted().toList()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(what + " '" + key + "' (" + takes + " " + String.join(", ", allowed)
                        + ")");
            }
        }
    }

    static String string(Config c, String key, String where) {
        ConfigValue v = c.getValue(key);
        if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST
                || v.valueType() == ConfigValueType.NULL) {
            throw new IllegalArgumentException(where + ": " + key + " must be a word or a string");
        }
        return c.getString(key);
    }

    static Path path(Path dir, Config c, String key, String where) {
        return dir.resolve(string(c, key, where)).normalize();
    }

    static Config object(Config c, String key, String where) {
        if (c.getValue(key).valueType() != ConfigValueType.OBJECT) {
            throw new IllegalArgumentException(where + ": " + key + " must be a block { ... }");
        }
        return c.getConfig(key);
    }

    static double number(Config c, String key, String where) {
        try {
            return c.getDouble(key);
        } catch (ConfigException.WrongType e) {
            throw new IllegalArgumentException(where + ": " + key + " must be a number");
        }
    }

    static Integer positive(Config c, String key, String where) {
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

    static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ");
    }
}
