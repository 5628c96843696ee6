package dev.aha.protocol.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import dev.aha.protocol.AhaMessage;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.ByteBufferSerializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Pekko's serializer for every {@link dev.aha.protocol.AhaMessage}: Kryo with registration required and fixed ids
 * ({@link AhaKryoRegistry}), from a pool of Kryo instances (Kryo is not thread-safe).
 *
 * <p>Frame: a 4-byte CRC32C of the Kryo payload, then the payload. A truncated or corrupted frame therefore fails
 * with an exception; Kryo alone would sometimes decode flipped bits into a different, valid-looking message. The
 * manifest is the class's registration id, so a renamed class does not break the wire.
 */
public final class KryoSerializer extends SerializerWithStringManifest implements ByteBufferSerializer {

    /** Fixed: peers must agree on it. Also bound in reference.conf. */
    public static final int IDENTIFIER = 7301;
    private static final int CRC_BYTES = 4;
    private static final int INITIAL_BUFFER = 4096;
    private static final int MAX_BUFFER = 256 << 20;

    private final Pool<Kryo> pool;

    public KryoSerializer(ExtendedActorSystem system) {
        ActorRefResolver resolver = ActorRefResolver.get(Adapter.toTyped(system));
        this.pool = new Pool<>(true, false, 16) {
            @Override
            protected Kryo create() {
                return AhaKryoRegistry.create(resolver);
            }
        };
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        Kryo kryo = pool.obtain();
        try {
            return Integer.toString(kryo.getRegistration(o.getClass()).getId());
        } catch (IllegalArgumentException e) {
            throw unregistered(o, e);
        } finally {
            pool.free(kryo);
        }
    }

    @Override
    public byte[] toBinary(Object o) {
        Kryo kryo = pool.obtain();
        try (Output out = new Output(INITIAL_BUFFER, MAX_BUFFER)) {
            out.setPosition(CRC_BYTES);
            kryo.writeObject(out, o);
            byte[] frame = out.toBytes();
            CRC32C crc = new CRC32C();
            crc.update(frame, CRC_BYTES, frame.length - CRC_BYTES);
            ByteBuffer.wrap(frame).putInt(0, (int) crc.getValue());
            return frame;
        } catch (IllegalArgumentException e) {
            throw unregistered(o, e);
        } finally {
            pool.free(kryo);
        }
    }

    @Override
    public void toBinary(Object o, ByteBuffer buf) {
        buf.put(toBinary(o));
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        return decode(bytes, manifest);
    }

    @Override
    public Object fromBinary(ByteBuffer buf, String manifest) throws NotSerializableException {
        byte[] bytes = new byte[buf.remaining()]; // remote receive hands heap buffers; one copy keeps this simple
        buf.get(bytes);
        return decode(bytes, manifest);
    }

    private Object decode(byte[] frame, String manifest) throws NotSerializableException {
        if (frame.length < CRC_BYTES + 1) {
            throw new NotSerializableException("truncated Aha message frame of " + frame.length + " bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(frame, CRC_BYTES, frame.length - CRC_BYTES);
        if (ByteBuffer.wrap(frame).getInt(0) != (int) crc.getValue()) {
            throw new NotSerializableException("corrupted Aha message frame (CRC32C mismatch), manifest " + manifest);
        }
        Kryo kryo = pool.obtain();
        try (Input in = new Input(frame, CRC_BYTES, frame.length - CRC_BYTES)) {
            Class<?> type = messageType(kryo, manifest);
            Object message;
            try {
                message = kryo.readObject(in, type);
            } catch (RuntimeException e) {
                // whatever the payload makes Kryo or a message's constructor throw, NullPointerException included
                throw invalid("invalid payload for Aha message " + type.getSimpleName() + " (manifest " + manifest
                        + "): " + describe(e), e);
            }
            if (in.position() != frame.length) {
                throw new NotSerializableException("Aha message frame has " + (frame.length - in.position())
                        + " trailing bytes, manifest " + manifest);
            }
            return message;
        } finally {
            pool.free(kryo);
        }
    }

    /** The message class {@code manifest} names: a registration id of an {@link AhaMessage}, or it is unknown. */
    private static Class<?> messageType(Kryo kryo, String manifest) throws NotSerializableException {
        Registration registration = null;
        try {
            registration = kryo.getRegistration(Integer.parseInt(manifest));
        } catch (NumberFormatException e) {
            // not an id: unknown, as below
        }
        if (registration == null || !AhaMessage.class.isAssignableFrom(registration.getType())) {
            throw new NotSerializableException("unknown Aha message manifest '" + manifest + "' (a peer of another "
                    + "version, or not an Aha message)");
        }
        return registration.getType();
    }

    private static NotSerializableException invalid(String message, Throwable cause) {
        NotSerializableException e = new NotSerializableException(message);
        e.initCause(cause);
        return e;
    }

    /** One line: the exception and, when Kryo wrapped another, the one at the root (the real cause). */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? firstLine(e) : firstLine(e) + ", caused by " + firstLine(root);
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage() == null ? "" : ": " + t.getMessage();
        int end = message.indexOf('\n');
        return t.getClass().getSimpleName() + (end < 0 ? message : message.substring(0, end));
    }

    private static IllegalArgumentException unregistered(Object o, IllegalArgumentException cause) {
        return new IllegalArgumentException(o.getClass().getName() + " is not registered in AhaKryoRegistry: every "
                + "cross-node message and the types it holds need a fixed id there", cause);
    }
}
