package dev.aha.app.serve;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A generation answered as server-sent events ({@code "stream": true}): the response starts once the request is
 * queued, and each piece of text goes out as its tokens are sampled. A request the queue refuses, or one the context
 * cannot hold, is answered as without streaming (429, 400); a generation that fails later ends its stream with an
 * error event.
 */
final class EventStream {

    private EventStream() {}

    static CompletableFuture<HttpResponse> respond(ActorSystem<?> system, Generator generator, int[] prompt,
            ChatRequest request, StreamChunks chunks) {
        // every event fits: at most one per sampled token, a few to open and close
        Pair<BoundedSourceQueue<ByteString>, Source<ByteString, NotUsed>> stream =
                Source.<ByteString>queue(generator.contextLength() + 8).preMaterialize(system);
        BoundedSourceQueue<ByteString> queue = stream.first();
        offer(queue, chunks.start());
        CompletableFuture<Generator.Generation> generation;
        try {
            generation = generator.generate(prompt, request, text -> offer(queue, chunks.text(text)));
        } catch (RuntimeException e) {
            queue.complete();
            throw e;
        }
        if (generation.isCompletedExceptionally()) {
            queue.complete();
            return generation.thenApply(g -> null);
        }
        generation.whenComplete((g, failure) -> {
            offer(queue, failure == null ? chunks.end(g) : List.of(StreamChunks.error(String.valueOf(failure))));
            queue.complete();
        });
        return CompletableFuture.completedFuture(HttpResponse.create().withEntity(
                HttpEntities.create(ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM), stream.second())));
    }

    /** A client that went away leaves the queue closed: the rest is dropped and the generation runs out. */
    private static void offer(BoundedSourceQueue<ByteString> queue, List<String> events) {
        for (String event : events) {
            queue.offer(ByteString.fromString(event, StandardCharsets.UTF_8));
        }
    }
}
