package dev.aha.app.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * An OpenAI-compatible HTTP endpoint on Pekko HTTP: {@code GET /v1/models}, {@code POST /v1/chat/completions} (with
 * {@code tools}: the chat template announces them, and {@code <tool_call>} in the output comes back as
 * {@code tool_calls}) and {@code POST /v1/completions}, either streamed as server-sent events
 * ({@link EventStream}). Bad JSON or a request past the context is 400 with the
 * reason, a missing or wrong bearer token 401, a full generator queue 429; each is that request's answer alone and
 * the server keeps serving. Requests generate one at a time ({@link Generator}); the HTTP side never blocks.
 */
public final class ChatServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServeSettings settings;
    private final Generator generator;
    private final ChatTemplate template;
    private final Map<String, Object> flags;
    private final ActorSystem<Void> system;
    private final ServerBinding binding;
    private final AtomicLong requests = new AtomicLong();
    private final byte[] token;

    /**
     * Binds at once; {@link #port} says where.
     *
     * @param template the model's chat template, or null: then chats are refused and completions served
     * @param flags the chat template's keyword flags (e.g. enable_thinking)
     */
    ChatServer(ServeSettings settings, Generator generator, ChatTemplate template, Map<String, Object> flags) {
        this.settings = settings;
        this.generator = generator;
        this.template = template;
        this.flags = Map.copyOf(flags);
        this.token = settings.token() == null ? null : ("Bearer " + settings.token()).getBytes(StandardCharsets.UTF_8);
        this.system = ActorSystem.create(Behaviors.empty(), "aha-serve", ConfigFactory.parseString(
                "pekko.actor.provider = local\npekko.http.server.request-timeout = 600s\n"
                        + "pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        try {
            this.binding = Http.get(system).newServerAt(settings.host(), settings.port()).bind(routes())
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            system.terminate();
            throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    /**
     * Loads the policy on its own thread and listens: a chat template comes from the run's prompt template (the
     * tokenizer's, when it has one), with its flags.
     *
     * @param checkpoint an Aha checkpoint's folder whose weights to load, or null for the model's own
     */
    public static ChatServer start(ServeSettings settings, RunConfig config, Tokenizer tokenizer, Path checkpoint) {
        Generator generator = new Generator(config, tokenizer, checkpoint, settings.maxWaiting());
        try {
            return new ChatServer(settings, generator, config.template().chat(), config.template().chatFlags());
        } catch (RuntimeException e) {
            generator.close();
            throw e;
        }
    }

    /** The port it listens on (the one chosen when the settings asked for 0). */
    public int port() {
        return binding.localAddress().getPort();
    }

    private Route routes() {
        Directives d = new Directives();
        return d.concat(
                d.path(PathMatchers.segment("v1").slash("models"), () -> d.get(() -> d.authorized(() ->
                        d.complete(json(StatusCodes.OK, models()))))),
                d.path(PathMatchers.segment("v1").slash("chat").slash("completions"), () -> d.posted(this::chat)),
                d.path(PathMatchers.segment("v1").slash("completions"), () -> d.posted(this::completion)));
    }

    /** Pekko's directives, with the bearer-token check. */
    private final class Directives extends AllDirectives {
        /** An authorized POST whose body {@code handler} answers. */
        Route posted(Function<String, CompletableFuture<HttpResponse>> handler) {
            return post(() -> authorized(() -> entity(Unmarshaller.entityToString(),
                    body -> completeWithFuture(answer(() -> handler.apply(body))))));
        }

        Route authorized(Supplier<Route> inner) {
            return optionalHeaderValueByName("Authorization", header -> token == null || header.isPresent()
                    && MessageDigest.isEqual(token, header.get().getBytes(StandardCharsets.UTF_8)) ? inner.get()
                    : complete(error(StatusCodes.UNAUTHORIZED, "invalid_api_key", "a valid bearer token is needed")));
        }
    }

    /** Runs a handler: its refusals and failures become that request's error response. */
    private CompletionStage<HttpResponse> answer(Supplier<CompletableFuture<HttpResponse>> handler) {
        CompletableFuture<HttpResponse> f;
        try {
            f = handler.get();
        } catch (BadRequest e) {
            return CompletableFuture.completedFuture(error(StatusCodes.BAD_REQUEST, "invalid_request_error",
                    e.getMessage()));
        }
        return f.exceptionally(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                    : failure;
            if (cause instanceof RejectedExecutionException) {
                return error(StatusCodes.TOO_MANY_REQUESTS, "server_busy", "the server is busy: "
                        + settings.maxWaiting() + " requests are waiting already; try again");
            }
            if (cause instanceof BadRequest) {
                return error(StatusCodes.BAD_REQUEST, "invalid_request_error", cause.getMessage());
            }
            return error(StatusCodes.INTERNAL_SERVER_ERROR, "server_error", String.valueOf(cause));
        });
    }

    private CompletableFuture<HttpResponse> chat(String body) {
        ChatRequest request = ChatRequest.chat(body);
        if (template == null) {
            throw new BadRequest("this model has no chat template: use /v1/completions");
        }
        Map<String, Object> extra = new LinkedHashMap<>(flags);
        if (request.tools() != null) {
            extra.put("tools", request.tools());
        }
        String prompt;
        try {
            prompt = template.render(request.messages(), true, extra);
        } catch (RuntimeException e) {
            throw new BadRequest("the chat template cannot render these messages: " + e.getMessage());
        }
        long n = requests.incrementAndGet();
        if (request.stream()) {
            return EventStream.respond(system, generator, generator.tokenizer().encode(prompt), request,
                    new StreamChunks(true, "chatcmpl-" + n, settings.modelName(), request.streamUsage()));
        }
        return generator.generate(generator.tokenizer().encode(prompt), request).thenApply(g -> {
            ObjectNode message = ToolCallText.message(g.text(), Long.toString(n));
            ObjectNode out = envelope("chatcmpl-" + n, "chat.completion");
            ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
            choice.set("message", message);
            choice.put("finish_reason", message.has("tool_calls") ? "tool_calls" : g.finished() ? "stop" : "length");
            usage(out, g);
            return json(StatusCodes.OK, out);
        });
    }

    private CompletableFuture<HttpResponse> completion(String body) {
        ChatRequest request = ChatRequest.completion(body);
        long n = requests.incrementAndGet();
        if (request.stream()) {
            return EventStream.respond(system, generator, generator.tokenizer().encode(request.prompt()), request,
                    new StreamChunks(false, "cmpl-" + n, settings.modelName(), request.streamUsage()));
        }
        return generator.generate(generator.tokenizer().encode(request.prompt()), request).thenApply(g -> {
            ObjectNode out = envelope("cmpl-" + n, "text_completion");
            out.putArray("choices").addObject().put("index", 0).put("text", g.text()).putNull("logprobs")
                    .put("finish_reason", g.finished() ? "stop" : "length");
            usage(out, g);
            return json(StatusCodes.OK, out);
        });
    }

    private ObjectNode envelope(String id, String object) {
        return JSON.createObjectNode().put("id", id).put("object", object)
                .put("created", System.currentTimeMillis() / 1000).put("model", settings.modelName());
    }

    private static void usage(ObjectNode out, Generator.Generation g) {
        out.putObject("usage").put("prompt_tokens", g.promptTokens()).put("completion_tokens", g.tokens().length)
                .put("total_tokens", g.promptTokens() + g.tokens().length);
    }

    private ObjectNode models() {
        ObjectNode out = JSON.createObjectNode().put("object", "list");
        out.putArray("data").addObject().put("id", settings.modelName()).put("object", "model").put("created", 0)
                .put("owned_by", "aha");
        return out;
    }

    private static HttpResponse error(org.apache.pekko.http.javadsl.model.StatusCode status, String type,
            String message) {
        ObjectNode out = JSON.createObjectNode();
        out.putObject("error").put("message", message).put("type", type).putNull("code");
        return json(status, out);
    }

    private static HttpResponse json(org.apache.pekko.http.javadsl.model.StatusCode status, ObjectNode body) {
        return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON,
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Stops listening, lets requests under way end (up to 10 s), then stops the server's actor system. */
    @Override
    public void close() {
        try {
            binding.terminate(Duration.ofSeconds(10)).toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        system.terminate();
        generator.close();
        try {
            system.getWhenTerminated().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the JVM is ending
        }
    }
}
