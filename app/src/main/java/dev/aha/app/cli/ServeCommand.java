package dev.aha.app.cli;

import dev.aha.actors.config.RunConfig;
import dev.aha.app.serve.ChatServer;
import dev.aha.app.serve.ServeSettings;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha serve}: a model or a checkpoint behind an OpenAI-compatible HTTP endpoint, until the process is stopped.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a model or checkpoint over an OpenAI-compatible HTTP API.",
            "GET /v1/models, POST /v1/chat/completions (with tools), POST /v1/completions. Loopback by default; "
                    + "another --host needs --token (or AHA_SERVE_TOKEN)."})
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    ModelOptions options = new ModelOptions();

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "An Aha checkpoint (or a run's folder: its latest), instead of --model.")
    Path checkpoint;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "Port (default: ${DEFAULT-VALUE}; 0: any free).")
    int port;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Bearer token every request must carry (default: AHA_SERVE_TOKEN, else none).")
    String token;

    @Option(names = "--max-waiting", defaultValue = "16",
            description = "Requests waiting beyond the one generating; past it: 429 (default: ${DEFAULT-VALUE}).")
    int maxWaiting;

    @Option(names = "--served-name", paramLabel = "NAME", description = "The model's name in the API (default: "
            + "the model's or checkpoint's folder name).")
    String servedName;

    @Mixin
    ChatFlags flags = new ChatFlags();

    /** Set once listening, so a caller in the same JVM (a test) can stop it; null before. */
    volatile ChatServer running;
    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        if ((options.model == null) == (checkpoint == null)) {
            throw new IllegalArgumentException("give exactly one of --model DIR and --checkpoint DIR");
        }
        Path dir = checkpoint == null ? null : CheckpointStore.resolve(checkpoint);
        ServeSettings settings = new ServeSettings(host, port, token != null ? token : System.getenv("AHA_SERVE_TOKEN"),
                maxWaiting, servedName != null ? servedName
                        : (dir != null ? checkpoint : options.model).toAbsolutePath().getFileName().toString());
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("aha.train.chat", "auto");
        overrides.put("aha.train.chat-flags", flags.parse());
        RunConfig config = dir == null ? options.load(overrides) : options.loadFor(dir, overrides);
        try (Tokenizer tokenizer = config.tokenizer().open();
                ChatServer server = ChatServer.start(settings, config, tokenizer, dir)) {
            running = server;
            System.err.println("aha serve: " + settings.modelName() + " on http://" + host + ":" + server.port()
                    + "/v1" + (settings.token() == null ? "" : " (bearer token required)"));
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
