package dev.aha.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the layered configuration: -D system properties over the user's file over every module's
 * {@code reference.conf}. The typed settings records read their own sections from the result.
 */
public final class AhaConfig {

    private AhaConfig() {}

    /** The defaults and -D overrides alone. */
    public static Config load() {
        ConfigFactory.invalidateCaches();
        return ConfigFactory.load();
    }

    /**
     * @param file a HOCON file of overrides, or null for none
     * @throws IllegalArgumentException when the file is missing or does not parse, naming it
     */
    public static Config load(Path file) {
        if (file == null) {
            return load();
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file " + file + " does not exist or is not a file");
        }
        try {
            Config user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            ConfigFactory.invalidateCaches();
            return ConfigFactory.systemProperties()
                    .withFallback(user)
                    .withFallback(ConfigFactory.defaultReference())
                    .resolve();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("config file " + file + ": " + e.getMessage(), e);
        }
    }
}
