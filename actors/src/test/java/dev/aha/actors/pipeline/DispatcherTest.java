package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.actors.config.TrainSettings;
import dev.aha.protocol.pipeline.DispatcherMessage;
import dev.aha.protocol.pipeline.LeaseFailed;
import dev.aha.protocol.pipeline.RequestWork;
import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.VersionAdvanced;
import dev.aha.protocol.pipeline.WorkDone.Outcome;
import dev.aha.protocol.pipeline.WorkDone;
import dev.aha.runtime.config.AhaConfig;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.pekko.actor.UnhandledMessage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher actor, one behaviour per test, on a one-node cluster on loopback (its stats consult the cluster).
 * Every dispatcher reply is sent while it handles a message, so a {@code GetStats} answer is a barrier: what has not
 * reached a rollout's probe by then was never sent, and "nothing more" needs no waiting.
 */
class DispatcherTest {

    private static final Config BASE = AhaConfig.load();
    private static final PromptTemplate TEMPLATE = PromptTemplate.of("Q: {question} A:");
    /** Lease timeout long enough that no lease times out while a test runs, unless the test shortens it. */
    private static final String DEFAULTS = "aha.train { group-size = 3, batch-groups = 2, max-in-flight-groups = 8,"
            + " max-staleness = 2, sync = off, lease-timeout = 60s }";

    private static ActorTestKit kit;
    private final List<ActorRef<DispatcherMessage>> spawned = new ArrayList<>();

    @BeforeAll
    static void joinItself() {
        kit = ActorTestKit.create("dispatcher-test", BASE);
        Cluster cluster = Cluster.get(kit.system());
        TestProbe<SelfUp> up = kit.createTestProbe();
        cluster.subscriptions().tell(Subscribe.create(up.ref(), SelfUp.class));
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        up.expectMessageClass(SelfUp.class, Duration.ofSeconds(10));
    }

    @AfterEach
    void stopDispatchers() {
        spawned.forEach(kit::stop);
    }

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    private static TrainSettings settings(String overrides) {
        return TrainSettings.fromConfig(ConfigFactory.parseString("aha.train {" + overrides + "}")
                .withFallback(ConfigFactory.parseString(DEFAULTS)).withFallback(BASE).getConfig("aha.train"));
    }

    /** Questions q0, q1, ... in the order they are drawn. */
    private static PromptStream numbered() {
        AtomicLong drawn = new AtomicLong();
        return () -> {
            long i = drawn.getAndIncrement();
            return new TaskPrompt("p" + i, "q" + i, "a" + i, null);
        };
    }

    private ActorRef<DispatcherMessage> dispatcher(String overrides) {
        return dispatcher(overrides, 0, 0);
    }

    private ActorRef<DispatcherMessage> dispatcher(String overrides, long firstPromptId, long learnerVersion) {
        ActorRef<DispatcherMessage> d = kit.spawn(
                Dispatcher.create(settings(overrides), numbered(), TEMPLATE, firstPromptId, learnerVersion));
        spawned.add(d);
        return d;
    }

    private static TestProbe<RolloutWork> rollout() {
        return kit.createTestProbe(RolloutWork.class);
    }

    private static void ask(ActorRef<DispatcherMessage> d, TestProbe<RolloutWork> rollout, long version, int credits) {
        d.tell(new RequestWork(rollout.ref().path().name(), version, credits, rollout.ref()));
    }

    /** Asks for {@code credits} leases and returns them: all are expected to be handed out at once. */
    private static List<RolloutWork> take(ActorRef<DispatcherMessage> d, TestProbe<RolloutWork> rollout, long version,
            int credits) {
        ask(d, rollout, version, credits);
        return rollout.receiveSeveralMessages(credits);
    }

    private static DispatcherStats stats(ActorRef<DispatcherMessage> d) {
        TestProbe<DispatcherStats> reply = kit.createTestProbe();
        d.tell(new Dispatcher.GetStats(reply.ref()));
        return reply.receiveMessage();
    }

    @SafeVarargs
    private static void expectNothingMore(ActorRef<DispatcherMessage> d, TestProbe<RolloutWork>... rollouts) {
        stats(d);
        for (TestProbe<RolloutWork> r : rollouts) {
            r.expectNoMessage(Duration.ZERO);
        }
    }

    private static List<Long> ids(List<RolloutWork> work) {
        return work.stream().map(RolloutWork::promptId).toList();
    }

    // leases

    @Test
    void shouldHandOutOneLeasePerCreditWithConsecutivePromptIds() {
        ActorRef<DispatcherMessage> d = dispatcher("");
        TestProbe<RolloutWork> a = rollout();
        List<RolloutWork> got = take(d, a, 0, 3);
        for (int i = 0; i < 3; i++) {
            assertEquals(new RolloutWork(i, 0, TEMPLATE.render("q" + i), "a" + i, 3, 0), got.get(i));
        }
        expectNothingMore(d, a);
    }

    @Test
    void shouldCapOutstandingLeasesAtMaxInFlightGroups() {
        ActorRef<DispatcherMessage> d = dispatcher("max-in-flight-groups = 3");
        TestProbe<RolloutWork> a = rollout();
        TestProbe<RolloutWork> b = rollout();
        ask(d, a, 0, 5);
        ask(d, b, 0, 2);
        assertEquals(List.of(0L, 1L, 2L), ids(a.receiveSeveralMessages(3)));
        expectNothingMore(d, a, b);
        assertEquals(3, stats(d).outstanding());
    }

    @Test
    void shouldServeAWaitingRequestWhenWorkDoneFreesCapacity() {
        ActorRef<DispatcherMessage> d = dispatcher("max-in-flight-groups = 2");
        TestProbe<RolloutWork> a = rollout();
        TestProbe<RolloutWork> b = rollout();
        take(d, a, 0, 2);
        ask(d, b, 0, 2);
        expectNothingMore(d, b);
        d.tell(new WorkDone(0, 0, Outcome.USED));
        assertEquals(2, b.receiveMessage().promptId());
        d.tell(new WorkDone(1, 0, Outcome.DROPPED_STALE));
        assertEquals(3, b.receiveMessage().promptId());
        expectNothingMore(d, a, b);
    }

    @Test
    void shouldReplaceAGroupDroppedAsUniformWithAFreshPrompt() {
        ActorRef<DispatcherMessage> d = dispatcher("max-in-flight-groups = 2");
        TestProbe<RolloutWork> a = rollout();
        take(d, a, 0, 2);
        ask(d, a, 0, 2);
        expectNothingMore(d, a); // the in-flight bound holds
        d.tell(new WorkDone(0, 0, Outcome.DROPPED_UNIFORM));
        assertEquals(new RolloutWork(2, 0, TEMPLATE.render("q2"), "a2", 3, 0), a.receiveMessage(),
                "its slot goes to the next prompt of the stream, not to the same prompt again");
        expectNothingMore(d, a);
        DispatcherStats s = stats(d);
        assertEquals(1, s.droppedUniform());
        assertEquals(2, s.outstanding());
        assertEquals(s.dispatched(), s.used() + s.droppedStale() + s.droppedUniform() + s.outstanding());
    }

    @Test
    void shouldReplaceAnOlderRequestOfTheSameRollout() {
        ActorRef<DispatcherMessage> d = dispatcher("max-in-flight-groups = 2");
        TestProbe<RolloutWork> a = rollout();
        take(d, a, 0, 2);
        ask(d, a, 0, 3);
        ask(d, a, 1, 1); // its replica moved on and it has one slot free now, not three more
        d.tell(new WorkDone(0, 0, Outcome.USED));
        d.tell(new WorkDone(1, 0, Outcome.USED));
        assertEquals(2, a.receiveMessage().promptId());
        expectNothingMore(d, a);
        assertEquals(1, stats(d).outstanding());
    }

    // staleness at dispatch

    @Test
    void shouldParkARolloutLaggingBeyondMaxStalenessUntilItAsksWithANewerVersion() {
        ActorRef<DispatcherMessage> d = dispatcher("max-staleness = 1", 0, 5);
        TestProbe<RolloutWork> lagging = rollout();
        TestProbe<RolloutWork> current = rollout();
        ask(d, lagging, 3, 1);
        RolloutWork w = take(d, current, 4, 1).get(0);
        assertEquals(0, w.promptId(), "a parked request does not hold up the ones behind it");
        assertEquals(4, w.minVersion(), "learner version - max-staleness");
        expectNothingMore(d, lagging);
        assertEquals(new RolloutWork(1, 0, TEMPLATE.render("q1"), "a1", 3, 4), take(d, lagging, 4, 1).get(0));
    }

    @Test
    void shouldKeepALaggingRolloutParkedWhenTheLearnerAdvancesAndFollowOnlyNewerVersions() {
        ActorRef<DispatcherMessage> d = dispatcher("max-staleness = 1", 0, 5);
        TestProbe<RolloutWork> lagging = rollout();
        TestProbe<RolloutWork> current = rollout();
        ask(d, lagging, 3, 1);
        d.tell(new VersionAdvanced(6, 6));
        d.tell(new VersionAdvanced(4, 4)); // late and out of order: ignored
        expectNothingMore(d, lagging);
        assertEquals(6, stats(d).learnerVersion());
        assertEquals(5, take(d, current, 6, 1).get(0).minVersion());
        ask(d, lagging, 4, 1);
        expectNothingMore(d, lagging); // 4 was within the window at version 5, not at 6
        assertEquals(5, take(d, lagging, 5, 1).get(0).minVersion());
    }

    @Test
    void shouldNeverGiveMinVersionBelowZero() {
        ActorRef<DispatcherMessage> d = dispatcher("max-staleness = 2", 0, 1);
        TestProbe<RolloutWork> a = rollout();
        assertEquals(0, take(d, a, 0, 1).get(0).minVersion());
    }

    // re-issue

    @Test
    void shouldReissueTheLeasesOfAStoppedRolloutWithTheNextAttempt() {
        ActorRef<DispatcherMessage> d = dispatcher("max-in-flight-groups = 3");
        TestProbe<RolloutWork> dying = rollout();
        TestProbe<RolloutWork> other = rollout();
        List<RolloutWork> lost = take(d, dying, 0, 2);
        ask(d, other, 0, 3);
        assertEquals(2, other.receiveMessage().promptId());
        dying.stop();
        List<RolloutWork> again = new ArrayList<>(other.receiveSeveralMessages(2));
        again.sort(Comparator.comparingLong(RolloutWork::promptId));
        for (int i = 0; i < 2; i++) {
            RolloutWork was = lost.get(i);
            assertEquals(new RolloutWork(was.promptId(), 1, was.prompt(), was.referenceAnswer(), 3, 0), again.get(i));
        }
        DispatcherStats s = stats(d);
        assertEquals(2, s.reissued());
        assertEquals(3, s.dispatched(), "a re-issue is the same prompt, not a new one");
        assertEquals(3, s.outstanding());
    }

    @Test
    void shouldReissueALeaseNotDoneWithinTheLeaseTimeout() {
        ActorRef<DispatcherMessage> d = dispatcher("max-in-flight-groups = 1, batch-groups = 1, lease-timeout = 100ms");
        TestProbe<RolloutWork> stuck = rollout();
        TestProbe<RolloutWork> other = rollout();
        long start = System.nanoTime();
        ask(d, stuck, 0, 1);
        ask(d, other, 0, 1);
        RolloutWork first = stuck.receiveMessage();
        RolloutWork again = other.receiveMessage(Duration.ofSeconds(2));
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(new RolloutWork(first.promptId(), 1, first.prompt(), first.referenceAnswer(), 3, 0), again);
        assertTrue(waitedMillis >= 100, "re-issued after " + waitedMillis + " ms, before the lease timed out");
        DispatcherStats s = stats(d);
        assertTrue(s.reissued() >= 1, s.toString());
        assertEquals(1, s.dispatched());
    }

    // late duplicates

    @Test
    void shouldKeepTheNewerAttemptsLeaseWhenALateDuplicateOfTheOlderOneArrives() {
        ActorRef<DispatcherMessage> d = dispatcher("max-in-flight-groups = 2");
        TestProbe<RolloutWork> dying = rollout();
        TestProbe<RolloutWork> heir = rollout();
        TestProbe<RolloutWork> waiting = rollout();
        take(d, dying, 0, 1);
        take(d, heir, 0, 1);
        dying.stop();
        awaitReissued(d, 1);
        assertEquals(1, take(d, heir, 0, 1).get(0).attempt());
        ask(d, waiting, 0, 1);
        d.tell(new WorkDone(0, 0, Outcome.DUPLICATE));
        expectNothingMore(d, waiting);
        DispatcherStats s = stats(d);
        assertEquals(2, s.outstanding(), "attempt 1 is still out");
        assertEquals(1, s.duplicates());
        d.tell(new WorkDone(0, 1, Outcome.USED));
        assertEquals(2, waiting.receiveMessage().promptId());
    }

    @Test
    void shouldEndThePromptWhenAnyAttemptIsUsed() {
        ActorRef<DispatcherMessage> d = dispatcher("max-in-flight-groups = 2");
        TestProbe<RolloutWork> dying = rollout();
        TestProbe<RolloutWork> late = rollout();
        take(d, dying, 0, 2);
        dying.stop();
        awaitReissued(d, 2);
        assertEquals(1, take(d, late, 0, 1).get(0).attempt());
        // attempt 0 of both prompts was sampled before the rollout died, and now used
        d.tell(new WorkDone(0, 0, Outcome.USED));
        d.tell(new WorkDone(1, 0, Outcome.USED));
        DispatcherStats s = stats(d);
        assertEquals(0, s.outstanding(), "both the re-issued lease and the queued re-issue ended: " + s);
        assertEquals(2, s.used());
        assertEquals(new RolloutWork(2, 0, TEMPLATE.render("q2"), "a2", 3, 0), take(d, late, 0, 1).get(0));
    }

    /** The dispatcher learns of a stopped rollout asynchronously, by its watch. */
    private static void awaitReissued(ActorRef<DispatcherMessage> d, long n) {
        TestProbe<DispatcherStats> reply = kit.createTestProbe();
        reply.awaitAssert(Duration.ofSeconds(2), Duration.ofMillis(2), () -> {
            d.tell(new Dispatcher.GetStats(reply.ref()));
            assertEquals(n, reply.receiveMessage().reissued());
            return null;
        });
    }

    // the sync barrier

    private static final String SYNC = "sync = on, max-staleness = 0, batch-groups = 2";

    @Test
    void shouldHandOutExactlyOneBatchPerVersionInSyncMode() {
        ActorRef<DispatcherMessage> d = dispatcher(SYNC, 0, 3);
        TestProbe<RolloutWork> a = rollout();
        TestProbe<RolloutWork> b = rollout();
        ask(d, a, 3, 5);
        assertEquals(List.of(0L, 1L), ids(a.receiveSeveralMessages(2)));
        ask(d, b, 3, 1);
        d.tell(new WorkDone(0, 0, Outcome.USED));
        d.tell(new WorkDone(1, 0, Outcome.USED));
        d.tell(new VersionAdvanced(3, 3)); // not newer: the barrier holds
        expectNothingMore(d, a, b);
        d.tell(new VersionAdvanced(4, 4));
        expectNothingMore(d, a, b); // both now one version behind
        ask(d, b, 4, 5);
        List<RolloutWork> next = b.receiveSeveralMessages(2);
        assertEquals(List.of(2L, 3L), ids(next));
        assertEquals(4, next.get(0).minVersion());
        expectNothingMore(d, a, b);
    }

    @Test
    void shouldServeOnlyRolloutsAtTheLearnersVersionInSyncMode() {
        ActorRef<DispatcherMessage> d = dispatcher(SYNC, 0, 3);
        TestProbe<RolloutWork> behind = rollout();
        TestProbe<RolloutWork> ahead = rollout();
        ask(d, behind, 2, 2);
        ask(d, ahead, 4, 2); // its weights arrived before the learner's VersionAdvanced
        expectNothingMore(d, behind, ahead);
        d.tell(new VersionAdvanced(4, 4));
        assertEquals(List.of(0L, 1L), ids(ahead.receiveSeveralMessages(2)));
        expectNothingMore(d, behind, ahead);
    }

    @Test
    void shouldFreeTheSlotOfAReissuedLeaseInSyncMode() {
        ActorRef<DispatcherMessage> d = dispatcher(SYNC, 0, 3);
        TestProbe<RolloutWork> dying = rollout();
        TestProbe<RolloutWork> heir = rollout();
        take(d, dying, 3, 2);
        ask(d, heir, 3, 4);
        expectNothingMore(d, heir);
        dying.stop();
        List<RolloutWork> again = heir.receiveSeveralMessages(2);
        assertEquals(List.of(1, 1), again.stream().map(RolloutWork::attempt).toList());
        expectNothingMore(d, heir);
        assertEquals(2, stats(d).dispatched());
    }

    @Test
    void shouldFillThisVersionsBatchAgainWhenAGroupIsDroppedAsUniformInSyncMode() {
        ActorRef<DispatcherMessage> d = dispatcher(SYNC, 0, 3);
        TestProbe<RolloutWork> a = rollout();
        take(d, a, 3, 2);
        ask(d, a, 3, 2);
        expectNothingMore(d, a); // v3's batch is out
        d.tell(new WorkDone(0, 0, Outcome.DROPPED_UNIFORM));
        RolloutWork replacement = a.receiveMessage();
        assertEquals(2, replacement.promptId(), "the batch would never fill without a prompt in its place");
        assertEquals(3, replacement.minVersion());
        d.tell(new WorkDone(1, 0, Outcome.USED));
        expectNothingMore(d, a); // a used group frees no slot: v3's batch is prompts 1 and 2
        assertEquals(3, stats(d).dispatched());
    }

    @Test
    void shouldNotFreeASlotOfTheNewVersionWhenALeaseOfAnOlderOneIsReissued() {
        ActorRef<DispatcherMessage> d = dispatcher(SYNC, 0, 3);
        TestProbe<RolloutWork> old = rollout();
        TestProbe<RolloutWork> current = rollout();
        TestProbe<RolloutWork> waiting = rollout();
        take(d, old, 3, 2); // v3's batch: prompts 0 and 1, still out when the learner moves on
        d.tell(new VersionAdvanced(4, 4));
        take(d, current, 4, 2); // v4's batch, full
        ask(d, waiting, 4, 2);
        old.stop(); // its v3 leases are re-issued: they free no slot of v4's batch
        awaitReissued(d, 2);
        expectNothingMore(d, current, waiting);
        d.tell(new VersionAdvanced(5, 5));
        ask(d, waiting, 5, 2); // sync: only a rollout at v5 samples v5's batch
        assertEquals(List.of(1, 1), waiting.receiveSeveralMessages(2).stream().map(RolloutWork::attempt).toList(),
                "v5's batch starts with the re-issues");
    }

    @Test
    void shouldSendAFailedPromptOutAgainThenQuarantineIt(@TempDir Path out) throws Exception {
        Path file = out.resolve("quarantine.jsonl");
        ActorRef<DispatcherMessage> d = kit.spawn(Dispatcher.create(settings(""), numbered(), TEMPLATE, 0, 0, file));
        spawned.add(d);
        TestProbe<RolloutWork> a = rollout();
        RolloutWork first = take(d, a, 0, 1).get(0);
        d.tell(new LeaseFailed(first.promptId(), 0, "a", "IllegalArgumentException: prompt too long"));
        RolloutWork second = take(d, a, 0, 1).get(0);
        assertEquals(first.promptId(), second.promptId(), "out again");
        assertEquals(1, second.attempt());
        d.tell(new LeaseFailed(first.promptId(), 1, "a", "IllegalArgumentException: prompt too long"));
        RolloutWork next = take(d, a, 0, 1).get(0);
        assertEquals(first.promptId() + 1, next.promptId(), "quarantined: the stream moves on");
        DispatcherStats s = stats(d);
        assertEquals(1, s.quarantined());
        assertEquals(0, s.lost());
        String line = Files.readString(file).strip();
        assertTrue(line.contains("\"prompt_id\":" + first.promptId()) && line.contains("prompt too long"), line);
    }

    @Test
    void shouldDropAndCountARequestFromAnotherNodeThatCannotBeServed() {
        ActorRef<DispatcherMessage> d = dispatcher("");
        TestProbe<RolloutWork> a = rollout();
        d.tell(new RequestWork(null, 0, 2, a.ref()));
        d.tell(new RequestWork("a", -1, 2, a.ref()));
        d.tell(new LeaseFailed(0, 0, null, null));
        d.tell(new WorkDone(0, 0, null));
        d.tell(new VersionAdvanced(-1, -1));
        DispatcherStats s = stats(d);
        assertEquals(5, s.invalid());
        assertEquals(0, s.dispatched(), "nothing leased on an invalid request");
        a.expectNoMessage(Duration.ZERO);
    }

    // accounting

    @Test
    void shouldAccountForEveryDispatchedPrompt() {
        ActorRef<DispatcherMessage> d = dispatcher("");
        TestProbe<RolloutWork> dying = rollout();
        TestProbe<RolloutWork> alive = rollout();
        take(d, dying, 0, 4);
        take(d, alive, 0, 2);
        d.tell(new WorkDone(0, 0, Outcome.USED));
        d.tell(new WorkDone(1, 0, Outcome.USED));
        d.tell(new WorkDone(2, 0, Outcome.DROPPED_STALE));
        d.tell(new WorkDone(4, 2, Outcome.DUPLICATE));
        d.tell(new VersionAdvanced(1, 1));
        dying.stop();
        awaitReissued(d, 1);
        DispatcherStats s = stats(d);
        // out: prompts 4 and 5 leased to a rollout on this (Up) node, 3 queued for re-issue; nothing lost
        assertEquals(new DispatcherStats(6, 2, 1, 0, 1, 1, 3, 6, 1, 0, 0, 0), s);
        assertEquals(s.dispatched(), s.used() + s.droppedStale() + s.outstanding());
    }

    @Test
    void shouldContinueAResumedStream() {
        ActorRef<DispatcherMessage> d = dispatcher("", 100, 7);
        TestProbe<RolloutWork> a = rollout();
        List<RolloutWork> got = take(d, a, 7, 2);
        assertEquals(List.of(100L, 101L), ids(got));
        assertEquals(5, got.get(0).minVersion());
        DispatcherStats s = stats(d);
        assertEquals(new DispatcherStats(2, 0, 0, 0, 0, 0, 2, 102, 7, 0, 0, 0), s);
    }

    @Test
    void shouldCountTheLeasesOfThisNodeAsLostWhileItIsNotUp() {
        ActorTestKit alone = ActorTestKit.create("dispatcher-unjoined", BASE);
        try {
            ActorRef<DispatcherMessage> d = alone.spawn(
                    Dispatcher.create(settings(""), numbered(), TEMPLATE, 0, 0));
            TestProbe<RolloutWork> a = alone.createTestProbe(RolloutWork.class);
            TestProbe<DispatcherStats> reply = alone.createTestProbe();
            take(d, a, 0, 2);
            d.tell(new WorkDone(0, 0, Outcome.USED));
            d.tell(new Dispatcher.GetStats(reply.ref()));
            DispatcherStats s = reply.receiveMessage();
            assertEquals(1, s.lost(), "the open lease sits on a node that never came up: " + s);
            assertEquals(s.dispatched(), s.used() + s.droppedStale() + s.outstanding());
        } finally {
            alone.shutdownTestKit();
        }
    }

    // every message type

    /** A message type the dispatcher has no handler for: shows that an unhandled message would be seen. */
    private record Stranger() implements DispatcherMessage.Local {}

    @Test
    void shouldHandleEveryMessageType() {
        ActorRef<DispatcherMessage> d = dispatcher("");
        TestProbe<RolloutWork> a = rollout();
        TestProbe<DispatcherStats> reply = kit.createTestProbe();
        List<DispatcherMessage> oneOfEach = List.of(
                new RequestWork("a", 0, 1, a.ref()),
                new WorkDone(0, 0, Outcome.DUPLICATE),
                new WorkDone(0, 0, Outcome.DROPPED_STALE),
                new WorkDone(0, 0, Outcome.USED),
                new WorkDone(0, 0, Outcome.DROPPED_UNIFORM),
                new VersionAdvanced(1, 1),
                new LeaseFailed(0, 0, "a", "E"),
                new Dispatcher.LeaseTick(),
                new Dispatcher.RolloutStopped(a.ref()),
                new Dispatcher.BooksTick(),
                new Dispatcher.GetStats(reply.ref()));
        Set<Class<?>> types = new HashSet<>(leaves(DispatcherMessage.class));
        types.addAll(leaves(Dispatcher.Command.class));
        assertEquals(types, oneOfEach.stream().map(Object::getClass).collect(Collectors.toSet()),
                "every message type the dispatcher accepts is sent here once");

        TestProbe<UnhandledMessage> unhandled = kit.createTestProbe();
        Adapter.toClassic(kit.system()).eventStream().subscribe(Adapter.toClassic(unhandled.ref()),
                UnhandledMessage.class);
        try {
            d.tell(new Stranger());
            assertEquals(new Stranger(), unhandled.receiveMessage().getMessage());
            oneOfEach.forEach(d::tell);
            reply.receiveMessage();
            stats(d);
            unhandled.expectNoMessage(Duration.ZERO);
        } finally {
            Adapter.toClassic(kit.system()).eventStream().unsubscribe(Adapter.toClassic(unhandled.ref()));
        }
    }

    // pace

    /**
     * Pace with max-staleness 0: a lease beyond the first batch would be used a version later than it was sampled, so
     * only one batch (batch-groups = 2) goes out; each closed lease lets one more through. Drop hands out all 8.
     */
    @Test
    void shouldHoldLeasesBeyondWhatArrivesFreshWithPaceAndMaxStalenessZero() {
        ActorRef<DispatcherMessage> paced = dispatcher("staleness = pace, max-staleness = 0");
        TestProbe<RolloutWork> a = rollout();
        ask(paced, a, 0, 8);
        assertEquals(List.of(0L, 1L), ids(a.receiveSeveralMessages(2)));
        expectNothingMore(paced, a);
        paced.tell(new WorkDone(0, 0, Outcome.USED));
        assertEquals(2, a.receiveMessage().promptId());
        expectNothingMore(paced, a);
        assertEquals(2, stats(paced).outstanding());

        ActorRef<DispatcherMessage> dropping = dispatcher("staleness = drop, max-staleness = 0");
        TestProbe<RolloutWork> b = rollout();
        assertEquals(8, take(dropping, b, 0, 8).size(), "drop leases as far as max-in-flight-groups");
    }

    /**
     * Max-staleness 2, batch-groups 2: the lease at position n among those out is used (n / 2) versions on, so a
     * rollout at the learner's version gets 6 (n = 0..5). Once the learner used a batch (v1), a rollout still at v0
     * already lags 1: with 4 out (2 batches ahead) nothing more, while a rollout at v1 gets two (n = 4, 5).
     */
    @Test
    void shouldCountTheRolloutsLagAndTheBatchesAheadWithPace() {
        ActorRef<DispatcherMessage> d = dispatcher("staleness = pace, max-staleness = 2");
        TestProbe<RolloutWork> old = rollout();
        ask(d, old, 0, 8);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), ids(old.receiveSeveralMessages(6)));
        expectNothingMore(d, old);
        d.tell(new WorkDone(0, 0, Outcome.USED)); // the learner closes its batch's leases, then announces v1:
        d.tell(new WorkDone(1, 0, Outcome.USED));
        expectNothingMore(d, old); // the batch closed is the step already, announced or not
        d.tell(new VersionAdvanced(1, 1));
        expectNothingMore(d, old);
        TestProbe<RolloutWork> fresh = rollout();
        ask(d, fresh, 1, 4);
        assertEquals(List.of(6L, 7L), ids(fresh.receiveSeveralMessages(2)));
        expectNothingMore(d, old, fresh);
    }

    @Test
    void shouldRefusePaceWithSyncAndAnUnknownPolicyInOneLine() {
        IllegalArgumentException sync = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> settings("staleness = pace, sync = on")); // before max-staleness, which sync also refuses
        assertEquals("aha.train.staleness = pace paces asynchronous sampling, but sync = on samples every group "
                + "fresh: use staleness = drop or sync = off", sync.getMessage());
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> settings("staleness = wait"));
        assertEquals("aha.train.staleness must be drop or pace, was 'wait'", bad.getMessage());
    }

    /** The concrete message classes under a sealed type (the open {@code Local} is extended by the actor's own). */
    private static Set<Class<?>> leaves(Class<?> sealed) {
        Set<Class<?>> out = new HashSet<>();
        for (Class<?> c : sealed.getPermittedSubclasses()) {
            if (c.isSealed()) {
                out.addAll(leaves(c));
            } else if (c != DispatcherMessage.Local.class) {
                out.add(c);
            }
        }
        return out;
    }
}
