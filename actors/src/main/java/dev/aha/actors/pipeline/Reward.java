package dev.aha.actors.pipeline;

import dev.aha.protocol.pipeline.LearnerMessage;
import dev.aha.protocol.pipeline.RewardMessage;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.runtime.grpo.GroupAdvantages;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.reward.CompositeReward;
import dev.aha.runtime.reward.RewardBreakdown;
import dev.aha.runtime.reward.RewardInput;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Scores each completion of a sampled group with the rule-based reward, turns the group's rewards into
 * group-relative advantages and forwards the {@link ScoredGroup} to the learner. A reward function that throws
 * scores that completion 0 and is counted in the group; it never stops the actor.
 */
public final class Reward extends AbstractBehavior<RewardMessage> {

    public static final ServiceKey<RewardMessage> KEY = ServiceKey.create(RewardMessage.class, "aha-reward");

    /** What a reward actor sends itself: the learner's listing. */
    private sealed interface Command extends RewardMessage.Local permits LearnersFound {}

    private record LearnersFound(Receptionist.Listing listing) implements Command {}

    /** Groups held while no learner is known yet; bounded by the dispatcher's in-flight cap. */
    private final Deque<ScoredGroup> waiting = new ArrayDeque<>();
    private final CompositeReward reward;
    private final GrpoSettings grpo;
    private ActorRef<LearnerMessage> learner;

    private Reward(ActorContext<RewardMessage> context, CompositeReward reward, GrpoSettings grpo) {
        super(context);
        this.reward = reward;
        this.grpo = grpo;
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
        ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class, LearnersFound::new);
        context.getSystem().receptionist().tell(Receptionist.subscribe(Learner.KEY, listings));
    }

    public static Behavior<RewardMessage> create(CompositeReward reward, GrpoSettings grpo) {
        return Behaviors.setup(ctx -> new Reward(ctx, reward, grpo));
    }

    @Override
    public Receive<RewardMessage> createReceive() {
        return newReceiveBuilder()
                .onMessage(SampledGroup.class, this::onSampled)
                .onMessage(LearnersFound.class, this::onLearners)
                .build();
    }

    private Behavior<RewardMessage> onLearners(LearnersFound found) {
        learner = found.listing().getServiceInstances(Learner.KEY).stream().findFirst().orElse(null);
        while (learner != null && !waiting.isEmpty()) {
            learner.tell(waiting.poll());
        }
        return this;
    }

    private Behavior<RewardMessage> onSampled(SampledGroup group) {
        ScoredGroup scored = score(group);
        if (learner == null) {
            waiting.add(scored);
        } else {
            learner.tell(scored);
        }
        return this;
    }

    /** Scores a group; public for the synchronous baseline and tests, which use the same code. */
    public static ScoredGroup score(SampledGroup group, CompositeReward reward, GrpoSettings grpo) {
        int g = group.groupSize();
        double[] rewards = new double[g];
        double[] accuracy = new double[g];
        double[] format = new double[g];
        int failures = 0;
        for (int i = 0; i < g; i++) {
            try {
                RewardBreakdown b = reward.evaluate(
                        new RewardInput(group.prompt(), group.completionTexts()[i], group.referenceAnswer()));
                rewards[i] = b.total();
                accuracy[i] = b.components().getOrDefault("accuracy", 0.0);
                format[i] = b.components().getOrDefault("format", 0.0);
            } catch (RuntimeException e) {
                failures++; // scored 0, counted, and training goes on
            }
        }
        float[] advantages = GroupAdvantages.compute(rewards, grpo.scaleAdvantagesByStd(), grpo.advantageEps());
        return new ScoredGroup(group, rewards, advantages, accuracy, format, failures);
    }

    private ScoredGroup score(SampledGroup group) {
        return score(group, reward, grpo);
    }
}
