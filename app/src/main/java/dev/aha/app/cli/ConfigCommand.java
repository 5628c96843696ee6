package dev.aha.app.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.aha.actors.cluster.ArteryTls;
import dev.aha.actors.cluster.NodeRole;
import dev.aha.actors.config.RunConfig;
import dev.aha.app.http.HttpSettings;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.run.PromptFit;
import dev.aha.actors.run.TaskFactory;
import dev.aha.runtime.task.Task;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aha config check FILE}: the checks a run makes at start-up, without the run. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with configuration files.",
        subcommands = ConfigCommand.Check.class)
final class ConfigCommand {

    @Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Check a configuration file as a training node would.",
                "Loads FILE (and any --set) over the defaults: unknown keys, invalid values, contradictions, (with "
                    + "pekko.remote.artery.transport = tls-tcp) key or trust stores that do not open, and a learner's "
                    + "task prompts that do not fit the context (give --task and its files as for aha seed) are an "
                    + "error in one line; otherwise prints the effective aha settings."})
    static final class Check implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "A HOCON file of overrides (as given to --config).")
        Path file;

        @Option(names = "--roles", paramLabel = "ROLES", defaultValue = "learner,dispatcher,rollout,reward",
                description = "The node's roles, as for aha seed/join (default: ${DEFAULT-VALUE}).")
        String roles;

        @Mixin
        RunOptions run;

        @Override
        public Integer call() {
            Set<NodeRole> parsed = NodeRole.parse(roles);
            if (run.model.settings.file() != null) {
                throw new IllegalArgumentException("give the file once: as FILE, not also as --config");
            }
            run.model.settings.useFile(file);
            RunConfig config = run.load(Map.of()).requireTrainable(parsed.contains(NodeRole.ROLLOUT));
            if (!parsed.contains(NodeRole.LEARNER)) {
                config.requireOwnReplicas("aha join"); // a node without the learner has no base to share
            }
            ArteryTls.check(config.pekko());
            HttpSettings.fromConfig(config.pekko().getConfig("aha.http")); // the node's HTTP endpoint
            try (RunResources resources = RunResources.open(config)) { // the tokenizer, a code task's sandbox
                if (parsed.contains(NodeRole.LEARNER) && !config.simulated()) {
                    Task task = TaskFactory.create(config.train().task(), config, run.trainFile, run.evalFile);
                    PromptFit.require(task, task.heldOut(config.train().evalPrompts()), config, resources.tokenizer());
                }
            }
            Config aha = config.pekko().getConfig("aha"); // printed as the node would be started with it
            System.out.println(aha.root().render(ConfigRenderOptions.concise().setJson(false).setFormatted(true)));
            System.err.println("aha config check: " + file + " is valid for a node with roles " + roles);
            return 0;
        }
    }
}
