package dev.aha.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.List;

/**
 * The command line's {@code --set KEY=VALUE} assignments as one layer of settings, in the order given (a later one
 * wins). VALUE is HOCON: a number, a boolean, a quoted string, a list {@code [a, b]}, an object {@code { k = v }} or
 * a substitution {@code ${other.key}}. Anything else is taken as the text it is, so a path or a URL needs no quotes
 * (HOCON would read {@code a//b} as {@code a} and a comment).
 */
public final class SettingOverrides {

    private SettingOverrides() {}

    /**
     * @throws IllegalArgumentException naming the assignment that is not KEY=VALUE, does not parse, or sets a key
     *     under {@code aha} that no reference.conf defines ({@link ConfigKeys}: the nearest known key with it)
     */
    public static Config parse(List<String> assignments) {
        Config layer = ConfigFactory.empty();
        for (String assignment : assignments) {
            Config one = parseOne(assignment);
            try {
                ConfigKeys.check(one);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--set " + assignment + ": " + e.getMessage(), e);
            }
            layer = one.withFallback(layer);
        }
        return layer;
    }

    private static Config parseOne(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--set takes KEY=VALUE, was '" + assignment + "'");
        }
        String key = assignment.substring(0, eq).strip();
        String value = assignment.substring(eq + 1).strip();
        try {
            ConfigUtil.splitPath(key);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("--set " + assignment + ": '" + key + "' is not a configuration key",
                    e);
        }
        String origin = "--set " + assignment;
        if (structured(value)) {
            try {
                return ConfigFactory.parseString(key + " = " + value,
                        ConfigParseOptions.defaults().setOriginDescription(origin));
            } catch (ConfigException e) {
                throw new IllegalArgumentException(origin + ": the value is not HOCON: " + e.getMessage(), e);
            }
        }
        return ConfigFactory.empty().withValue(key, scalar(value, origin));
    }

    /** A value that only HOCON can read, so it must parse as HOCON. */
    private static boolean structured(String value) {
        return value.startsWith("[") || value.startsWith("{") || value.startsWith("\"") || value.contains("${");
    }

    /** A number, a boolean or null as HOCON reads it; any other text as it is. */
    private static ConfigValue scalar(String value, String origin) {
        try {
            ConfigValue parsed = ConfigFactory.parseString("v = " + value).root().get("v");
            boolean scalar = parsed.valueType() == ConfigValueType.NUMBER
                    || parsed.valueType() == ConfigValueType.BOOLEAN || parsed.valueType() == ConfigValueType.NULL;
            if (scalar && value.equals(parsed.render())) { // "1 # note" is not the number 1
                return parsed.withOrigin(ConfigOriginFactory.newSimple(origin));
            }
        } catch (ConfigException e) {
            // not HOCON: the text itself
        }
        return ConfigValueFactory.fromAnyRef(value, origin);
    }
}
