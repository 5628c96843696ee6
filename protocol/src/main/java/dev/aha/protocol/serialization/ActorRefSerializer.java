package dev.aha.protocol.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/** Typed ActorRefs travel as their serialization format string (with the node's address), as Pekko prescribes. */
final class ActorRefSerializer extends Serializer<ActorRef<?>> {

    private final ActorRefResolver resolver;

    ActorRefSerializer(ActorRefResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void write(Kryo kryo, Output output, ActorRef<?> ref) {
        output.writeString(resolver.toSerializationFormat(ref));
    }

    @Override
    public ActorRef<?> read(Kryo kryo, Input input, Class<? extends ActorRef<?>> type) {
        String path = input.readString();
        if (path == null || path.isEmpty()) {
            // Pekko would resolve it to dead letters: every reply to it would vanish without a word
            throw new KryoException("ActorRef without a path");
        }
        return resolver.resolveActorRef(path);
    }
}
