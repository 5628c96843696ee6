package dev.aha.bench;

import com.typesafe.config.Config;
import dev.aha.runtime.config.AhaConfig;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and {@code --set KEY=VALUE}: the options of every command (of {@code aha} and of
 * {@code aha bench}) that reads the layered configuration, declared once here, the lowest module with picocli.
 */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "A HOCON file of settings over the defaults "
            + "(reference.conf).")
    private Path file;

    @Mixin
    private SetOptions set = new SetOptions();

    /** The --config file, or null. */
    public Path file() {
        return file;
    }

    /** Reads {@code file} as if given as --config (aha config check's FILE). */
    public void useFile(Path file) {
        this.file = file;
    }

    /** The --set assignments as one layer (empty without any). */
    public Config overrides() {
        return set.overrides();
    }

    /** The layered configuration: --set over -D over --config over the defaults, unknown aha keys refused. */
    public Config load() {
        return AhaConfig.load(file, overrides());
    }
}
