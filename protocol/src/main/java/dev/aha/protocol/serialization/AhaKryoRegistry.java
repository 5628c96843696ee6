package dev.aha.protocol.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import dev.aha.protocol.pipeline.GroupEpisodes;
import dev.aha.protocol.pipeline.LeaseFailed;
import dev.aha.protocol.pipeline.RequestWork;
import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.protocol.pipeline.VersionAdvanced;
import dev.aha.protocol.pipeline.WorkDone;
import dev.aha.protocol.telemetry.NodeReport;
import dev.aha.protocol.telemetry.ReportRequest;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/**
 * The one place where every class that crosses the wire gets its fixed Kryo id. Ids are the wire format: never
 * reuse or renumber one; add new classes at the end. Registration is required, so an unlisted class fails to
 * serialize with a clear error instead of silently writing its name.
 */
public final class AhaKryoRegistry {

    /** First id of ours; Kryo reserves lower ones for its default registrations (primitives, String). */
    static final int FIRST_ID = 100;

    private AhaKryoRegistry() {}

    /** A Kryo configured for Aha's messages; typed ActorRefs go through {@code resolver}. */
    public static Kryo create(ActorRefResolver resolver) {
        Kryo kryo = new Kryo(new ActorRefClassResolver(), null);
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false); // messages are trees: no shared or cyclic references to track
        int id = FIRST_ID;
        kryo.register(int[].class, id++);
        kryo.register(float[].class, id++);
        kryo.register(double[].class, id++);
        kryo.register(boolean[].class, id++);
        kryo.register(long[].class, id++);
        kryo.register(String[].class, id++);
        kryo.register(int[][].class, id++);
        kryo.register(float[][].class, id++);
        kryo.register(ActorRef.class, new ActorRefSerializer(resolver), id++);
        kryo.register(WorkDone.Outcome.class, id++);
        kryo.register(long[][].class, id++);
        kryo.register(boolean[][].class, id++);
        // messages: 120 onwards
        id = 120;
        kryo.register(RequestWork.class, id++);
        kryo.register(RolloutWork.class, id++);
        kryo.register(SampledGroup.class, id++);
        kryo.register(ScoredGroup.class, id++);
        kryo.register(WorkDone.class, id++);
        kryo.register(VersionAdvanced.class, id++);
        kryo.register(LeaseFailed.class, id++);
        kryo.register(NodeReport.class, id++);
        kryo.register(ReportRequest.class, id++);
        kryo.register(GroupEpisodes.class, id++);
        return kryo;
    }

    /** Any ActorRef implementation (Pekko has several) is written under the one registration of the interface. */
    private static final class ActorRefClassResolver extends DefaultClassResolver {
        @Override
        @SuppressWarnings("rawtypes") // Kryo's ClassResolver declares the raw type; an override cannot narrow it
        public Registration getRegistration(Class type) {
            if (type != ActorRef.class && ActorRef.class.isAssignableFrom(type)) {
                return super.getRegistration(ActorRef.class);
            }
            return super.getRegistration(type);
        }
    }
}
