package dev.aha.bench;

import com.typesafe.config.Config;
import dev.aha.runtime.config.SettingOverrides;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --set KEY=VALUE}: settings over every other layer of the configuration ({@link SettingOverrides}). */
public final class SetOptions {

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting over all others (--config, -D "
            + "properties, a recipe's blocks), e.g. --set aha.grpo.beta=0.02; VALUE is HOCON (2, on, /a/path, [a, b], "
            + "{k = v}). Repeatable; a command's own option for a key (--device, --rollouts, ...) wins over it.")
    private List<String> assignments = new ArrayList<>();

    /** The assignments as one layer (empty without any). */
    public Config overrides() {
        return SettingOverrides.parse(assignments);
    }
}
