package dev.aha.actors.pipeline;

import dev.aha.actors.telemetry.RewardTelemetry;
import dev.aha.actors.telemetry.Telemetry;
import dev.aha.protocol.pipeline.LearnerMessage;
import dev.aha.protocol.pipeline.RewardMessage;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.protocol.util.LogThrottle;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.reward.CompositeReward;
import dev.aha.runtime.reward.RewardBreakdown;
import dev.aha.runtime.reward.RewardInput;
import dev.aha.runtime.rm.LearnedReward;
import dev.aha.runtime.rm.RewardRoute;
import dev.aha.runtime.sandbox.CodeRunPool;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Scores each completion of a sampled group with the rule-based reward (plus DAPO's soft overlong punishment when
 * aha.grpo.overlong.buffer is set), turns the group's rewards into group-relative advantages and forwards the
 * {@link ScoredGroup} to the learner. Uniform groups go on too: the learner's intake drops them (dynamic sampling),
 * since it alone closes leases and counts what it keeps out.
 *
 * <p>Code rewards (given a {@link CodeRunPool}) run off the actor's thread: each completion is one task on the pool,
 * and the group comes back to the actor as a message when its last completion is scored; groups are not held for
 * one another. A run the pool refuses (its queue full) is a failed completion, below.
 *
 * <p>Failure policy: a reward function that throws, or returns a reward that is not finite, scores that completion 0;
 * the error is counted in the group (the run's {@code reward_failures}) and logged with its class and message at
 * most every 10 s; it never stops the actor. Anything else that throws restarts it (supervised in
 * {@link Workers}).
 */
public final class Reward extends AbstractBehavior<RewardMessage> {

    public static final ServiceKey<RewardMessage> KEY = ServiceKey.create(RewardMessage.class, "aha-reward");

    /** What a reward actor sends itself: the learner's listing, and groups scored on the code-run pool. */
    private sealed interface Command extends RewardMessage.Local permits LearnersFound, GroupScored {}

    private record LearnersFound(Receptionist.Listing listing) implements Command {}

    /**
     * A group whose completions were scored off the actor's thread: by the rules (on the code-run pool), and by the
     * reward model when it has a part (else null), or the error that stopped the model.
     */
    private record GroupScored(SampledGroup group, CompletionScore[] scores, LearnedReward.Scores model,
            Throwable modelError) implements Command {}

    /** One completion's scores, or the error its rule threw (then all 0). */
    record CompletionScore(double reward, double accuracy, double format, RuntimeException error) {

        static CompletionScore of(CompositeReward reward, SampledGroup group, int i) {
            try {
                RewardBreakdown b = reward.evaluate(
                        new RewardInput(group.prompt(), group.completionTexts()[i], group.referenceAnswer()));
                if (!Double.isFinite(b.total())) {
                    throw new ArithmeticException("reward is not a finite number: " + b.components());
                }
                return new CompletionScore(b.total(), b.components().getOrDefault("accuracy", 0.0),
                        b.components().getOrDefault("format", 0.0), null);
            } catch (RuntimeException e) {
                return failed(e);
            }
        }

        static CompletionScore failed(Throwable e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return new CompletionScore(0, 0, 0, cause instanceof RuntimeException r ? r
                    : new IllegalStateException(cause.toString(), cause));
        }
    }

    /** Groups held while no learner is known yet; bounded by the dispatcher's in-flight cap. */
    private final Deque<ScoredGroup> waiting = new ArrayDeque<>();
    private final CompositeReward reward;
    private final RewardTelemetry telemetry;
    private final GrpoSettings grpo;
    private final CodeRunPool pool;
    private final LearnedReward model;
    private final RewardRoute route;
    /** A rule failing on every completion must not flood the log. */
    private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));
    private final LogThrottle droppedLog = new LogThrottle(Duration.ofSeconds(10));
    private ActorRef<LearnerMessage> learner;
    private long invalid;
    private long dropped;

    private Reward(ActorContext<RewardMessage> context, CompositeReward reward, GrpoSettings grpo, CodeRunPool pool,
            LearnedReward model) {
        super(context);
        this.telemetry = Telemetry.get(context.getSystem()).reward();
        this.reward = reward;
        this.grpo = grpo;
        this.pool = pool;
        this.model = model;
        this.route = model == null ? RewardRoute.RULE : model.route();
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
        ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class, LearnersFound::new);
        context.getSystem().receptionist().tell(Receptionist.subscribe(Learner.KEY, listings));
    }

    public static Behavior<RewardMessage> create(CompositeReward reward, GrpoSettings grpo) {
        return create(reward, grpo, null);
    }

    /** @param pool where code rewards run, or null to score on the actor's own thread (rules that do not block) */
    public static Behavior<RewardMessage> create(CompositeReward reward, GrpoSettings grpo, CodeRunPool pool) {
        return create(reward, grpo, pool, null);
    }

    /**
     * @param model the node's reward model or judge, shared by its reward actors (it scores on a thread of its own),
     *     or null; its route says which prompts it scores unless their rows say
     */
    public static Behavior<RewardMessage> create(CompositeReward reward, GrpoSettings grpo, CodeRunPool pool,
            LearnedReward model) {
        return Behaviors.setup(ctx -> new Reward(ctx, reward, grpo, pool, model));
    }

    @Override
    public Receive<RewardMessage> createReceive() {
        return newReceiveBuilder()
                .onMessage(SampledGroup.class, this::onSampled)
                .onMessage(LearnersFound.class, this::onLearners)
                .onMessage(GroupScored.class, this::onGroupScored)
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
        String problem = MessageChecks.sampledProblem(group);
        if (problem != null) { // from another node: dropped and counted; its lease times out and is re-issued
            invalid++;
            getContext().getLog().warn("dropped invalid group {} ({} so far): {}", group.promptId(), invalid, problem);
            return this;
        }
        RewardRoute route = routeOf(group);
        if (route.usesModel() && model == null) { // the run's settings check refuses such a dataset at start-up
            drop(group, "it is routed to the reward model (reward = " + route.label() + ") and this node has none");
            return this;
        }
        if (route.usesModel()) {
            CompletableFuture<CompletionScore[]> rules = route.usesRules() ? ruleScores(group)
                    : CompletableFuture.completedFuture(LearnedScoring.unscored(group.groupSize()));
            CompletableFuture<LearnedReward.Scores> parts = model.score(group.prompt(), group.completionTexts());
            getContext().pipeToSelf(rules.thenCombine(parts, (r, m) -> new GroupScored(group, r, m, null)),
                    (scored, error) -> error != null ? new GroupScored(group, null, null, error) : scored);
            return this;
        }
        if (pool != null) {
            getContext().pipeToSelf(ruleScores(group), (scores, error) -> new GroupScored(group, scores, null, null));
            return this;
        }
        forward(score(group, reward, grpo, this::failed));
        return this;
    }

    /** The rules' scores: on the code-run pool when there is one, else here and now. */
    private CompletableFuture<CompletionScore[]> ruleScores(SampledGroup group) {
        if (pool == null) {
            CompletionScore[] scores = new CompletionScore[group.groupSize()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = CompletionScore.of(reward, group, i);
            }
            return CompletableFuture.completedFuture(scores);
        }
        List<CompletableFuture<CompletionScore>> runs = new ArrayList<>();
        for (int i = 0; i < group.groupSize(); i++) {
            int completion = i;
            runs.add(pool.submit(() -> CompletionScore.of(reward, group, completion))
                    .exceptionally(CompletionScore::failed));
        }
        // Every run's failure is already its completion's score (exceptionally above), so this cannot fail.
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
                .thenApply(done -> runs.stream().map(CompletableFuture::join).toArray(CompletionScore[]::new));
    }

    private Behavior<RewardMessage> onGroupScored(GroupScored scored) {
        RewardRoute route = routeOf(scored.group());
        double[] parts = scored.model() == null ? null : scored.model().parts();
        String problem = LearnedScoring.problem(parts, scored.modelError(), route.usesModel());
        if (problem != null) {
            drop(scored.group(), problem);
            return this;
        }
        CompletionScore[] scores = LearnedScoring.withFailures(scored.scores(), scored.model());
        forward(assemble(scored.group(), scores, grpo, this::failed, parts, route.usesRules()));
        return this;
    }

    /** The group's own route, else the run's (checked at the boundary: {@link MessageChecks#sampledProblem}). */
    private RewardRoute routeOf(SampledGroup group) {
        return group.reward() == null ? route : RewardRoute.parse(group.reward(), "reward");
    }

    /** Never trained on: its lease times out and the prompt is handed out again (or quarantined). */
    private void drop(SampledGroup group, String problem) {
        dropped++;
        telemetry.dropped();
        if (droppedLog.admit(System.nanoTime()) >= 0) {
            getContext().getLog().warn("dropped group {} ({} so far): {}", group.promptId(), dropped, problem);
        }
    }

    private void forward(ScoredGroup scored) {
        telemetry.scored(scored.rewardFailures());
        if (learner == null) {
            waiting.add(scored);
        } else {
            learner.tell(scored);
        }
    }

    private void failed(RuntimeException e) {
        long unlogged = failureLog.admit(System.nanoTime());
        if (unlogged >= 0) {
            getContext().getLog().warn("{} completion(s) failed to score since the last report (each scored 0); "
                    + "latest: {}: {}", unlogged + 1, e.getClass().getName(), e.getMessage());
        }
    }

    /**
     * Scores a group: a completion whose rule throws, or gives a reward that is not a finite number, scores 0 and
     * is counted in the group; {@code onError} hears each such error. The overlong punishment depends on the length
     * alone, so it is added whatever the rules did.
     */
    static ScoredGroup score(SampledGroup group, CompositeReward reward, GrpoSettings grpo,
            Consumer<RuntimeException> onError) {
        CompletionScore[] scores = new CompletionScore[group.groupSize()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = CompletionScore.of(reward, group, i);
        }
        return assemble(group, scores, grpo, onError);
    }

    /** The group's rewards (failures counted, each told to {@code onError}) and advantages. */
    static ScoredGroup assemble(SampledGroup group, CompletionScore[] scores, GrpoSettings grpo,
            Consumer<RuntimeException> onError) {
        return assemble(group, scores, grpo, onError, null, true);
    }

    /**
     * The same with the reward model's part of each reward ({@code model}, or null for none) added to the rules'
     * (left out when {@code rules} is false: a prompt routed to the model alone).
     */
    static ScoredGroup assemble(SampledGroup group, CompletionScore[] scores, GrpoSettings grpo,
            Consumer<RuntimeException> onError, double[] model, boolean rules) {
        int g = group.groupSize();
        double[] rewards = new double[g];
        double[] accuracy = new double[g];
        double[] format = new double[g];
        int failures = 0;
        for (int i = 0; i < g; i++) {
            rewards[i] = (rules ? scores[i].reward() : 0) + (model == null ? 0 : model[i]);
            accuracy[i] = scores[i].accuracy();
            format[i] = scores[i].format();
            if (scores[i].error() != null) {
                failures++;
                onError.accept(scores[i].error());
            }
            rewards[i] += grpo.overlong().reward(group.completions()[i].length);
            if (group.episodes() != null && !Double.isNaN(group.episodes().rewards()[i])) {
                rewards[i] += group.episodes().rewards()[i]; // the environment's own reward, beside the rules'
            }
        }
        float[] advantages = grpo.algorithm().groupAdvantages(rewards, grpo);
        return new ScoredGroup(group, rewards, advantages, accuracy, format, failures,
                model == null ? new double[g] : model.clone());
    }
}
