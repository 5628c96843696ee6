package dev.aha.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the layered configuration, highest first: the command line's {@code --set} assignments
 * ({@link SettingOverrides}), -D system properties, the user's file, Aha's own settings for the
 * libraries it uses ({@value #LIBRARY_SETTINGS}: Pekko's provider, serializers, Artery, which must override those
 * libraries' reference.conf and so cannot live in ours), then every module's {@code reference.conf}. The typed
 * settings records read their own sections from the result. A key under {@code aha} that no reference.conf defines
 * is an error ({@link ConfigKeys}).
 */
public final class AhaConfig {

    /** Classpath resource with Aha's settings of Pekko (and other libraries). */
    public static final String LIBRARY_SETTINGS = "aha-library.conf";

    private AhaConfig() {}

    /** The defaults and -D overrides alone. */
    public static Config load() {
        return layer(ConfigFactory.empty(), ConfigFactory.empty());
    }

    /**
     * @param file a HOCON file of overrides, or null for none
     * @throws IllegalArgumentException when the file is missing or does not parse, naming it
     */
    public static Config load(Path file) {
        return load(file, ConfigFactory.empty());
    }

    /**
     * The same with {@code overrides} (the command line's --set, {@link SettingOverrides#parse}) over every other
     * layer; unknown keys under {@code aha} in them are refused as in a file.
     */
    public static Config load(Path file, Config overrides) {
        if (file == null) {
            return layer(ConfigFactory.empty(), overrides);
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file " + file + " does not exist or is not a file");
        }
        Config user;
        try {
            user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("config file " + file + ": " + e.getMessage(), e);
        }
        return layer(user, overrides);
    }

    /**
     * The layers with {@code user} (settings already parsed: a pipeline recipe's blocks) where the file would be;
     * unknown keys under {@code aha} are refused as for a file.
     */
    public static Config load(Config user) {
        return layer(user, ConfigFactory.empty());
    }

    /** The same with {@code overrides} (the command line's --set) over every other layer. */
    public static Config load(Config user, Config overrides) {
        return layer(user, overrides);
    }

    private static Config layer(Config user, Config overrides) {
        ConfigFactory.invalidateCaches();
        Config c = overrides
                .withFallback(ConfigFactory.systemProperties())
                .withFallback(user)
                .withFallback(ConfigFactory.parseResources(LIBRARY_SETTINGS))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
        ConfigKeys.check(c);
        return c;
    }
}
