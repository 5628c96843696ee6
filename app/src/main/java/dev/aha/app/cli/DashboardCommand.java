package dev.aha.app.cli;

import dev.aha.app.http.HttpEndpoint;
import dev.aha.app.http.HttpSettings;
import dev.aha.app.http.RunFiles;
import dev.aha.runtime.config.AhaConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aha dashboard}: the live dashboard's page over a run's files, finished or still running. */
@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the dashboard of a run from its folder.",
            "Reads metrics.jsonl (again as it grows: a run still going is followed) and summary.json under --run, and "
                    + "serves the same page as a training node's endpoint: / the dashboard, /api/run the run as "
                    + "JSON. Stops on Ctrl-C, or after --seconds."})
public final class DashboardCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "The run's folder (its --out).")
    Path run;

    @Option(names = "--host", description = "Interface to bind (default: aha.http.host, loopback).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}; 0: any free).")
    int port;

    @Option(names = "--seconds", paramLabel = "S", description = "Stop after this many seconds (default: never).")
    Double seconds;

    @Override
    public Integer call() throws Exception {
        RunFiles files = new RunFiles(run);
        HttpSettings settings = HttpSettings.fromConfig(AhaConfig.load().getConfig("aha.http")).withPort(port);
        if (host != null) {
            settings = new HttpSettings(host, port, settings.pushInterval(), settings.threads(),
                    settings.maxConnections(), settings.idleTimeout());
        }
        try (HttpEndpoint endpoint = HttpEndpoint.start(settings, files, "the run in " + run)) {
            System.err.println("aha dashboard: " + endpoint.url() + " shows " + run.toAbsolutePath());
            if (seconds != null) {
                Thread.sleep((long) (seconds * 1000));
            } else {
                Thread.currentThread().join(); // until interrupted (Ctrl-C ends the JVM)
            }
        }
        return 0;
    }
}
