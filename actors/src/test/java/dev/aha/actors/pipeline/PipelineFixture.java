package dev.aha.actors.pipeline;

import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.run.TrainingRun;
import dev.aha.actors.weights.AeronWeightPlane;
import dev.aha.actors.weights.WeightPlane;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.config.AhaConfig;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.reward.CompositeReward;
import dev.aha.runtime.policy.lora.LoraApply;
import dev.aha.runtime.policy.lora.SharedBase;
import dev.aha.runtime.task.ArithmeticTask;
import dev.aha.runtime.task.PromptStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/** A tiny, fast pipeline: a real one-node cluster, real actors, the real DJL engine on a ~30k-parameter model. */
public final class PipelineFixture {

    public static final String TINY = String.join("\n",
            "aha.policy { context-length = 96, model-dim = 32, layers = 1, heads = 2 }",
            "aha.sampling.max-new-tokens = 12",
            "aha.train { group-size = 4, batch-groups = 2, rollouts = 2, max-in-flight-groups = 6,",
            "  eval-prompts = 4, eval-k = 1, checkpoint-every = 0, cold-start.steps = 3, cold-start.batch-size = 4 }");

    private PipelineFixture() {}

    public static RunConfig config(String overrides) {
        Config c = ConfigFactory.parseString(overrides + "\n" + TINY).withFallback(AhaConfig.load()).resolve();
        return RunConfig.from(c);
    }

    /** Runs the pipeline for {@code seconds} from freshly initialised weights and returns what the learner reports. */
    public static Learner.Finished run(RunConfig config, double seconds, CompositeReward reward, Path out)
            throws Exception {
        return run(config, seconds, reward, out, plane -> plane);
    }

    /** As above, with the learner's view of the weight plane wrapped (tests inject faults). */
    public static Learner.Finished run(RunConfig config, double seconds, CompositeReward reward, Path out,
            UnaryOperator<WeightPlane> learnerPlane) throws Exception {
        return run(config, seconds, reward, out, learnerPlane, UnaryOperator.identity());
    }

    /** As above, with the training prompts changed (tests inject poison ones). */
    public static Learner.Finished run(RunConfig config, double seconds, CompositeReward reward, Path out,
            UnaryOperator<WeightPlane> learnerPlane, UnaryOperator<PromptStream> prompts) throws Exception {
        ArithmeticTask task = new ArithmeticTask(config.arithmetic());
        FlatWeights weights;
        try (NDManager m = NDManager.newBaseManager(); Policy p = config.policy().create(m)) {
            weights = p.exportWeights();
        }
        CompletableFuture<Learner.Finished> finished = new CompletableFuture<>();
        ActorTestKit kit = ActorTestKit.create("pipeline", config.pekko());
        try (RunResources resources = RunResources.open(config);
                AeronWeightPlane plane = new AeronWeightPlane(config.weights(), "127.0.0.1", "pipeline-test")) {
            Cluster cluster = Cluster.get(kit.system());
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
            LearnerSetup setup = new LearnerSetup(resources, weights, weights, null, RunState.fresh(),
                    learnerPlane.apply(plane),
                    new CheckpointStore(out.resolve("checkpoints"), 1), out,
                    task.heldOut(config.train().evalPrompts()), System.nanoTime() + (long) (seconds * 1e9),
                    config.lora().enabled() && config.loraApply() == LoraApply.SHARED ? new SharedBase() : null);
            kit.spawn(TrainingRun.create(setup, prompts.apply(task.trainStream(1)), reward, finished), "run");
            Learner.Finished done = finished.get((long) seconds + 120, TimeUnit.SECONDS);
            if (!weights.isReleased()) { // every run checks it: the image is the model's size for the whole run
                throw new AssertionError("the learner kept the starting image after building its policy");
            }
            return done;
        } finally {
            kit.shutdownTestKit();
        }
    }
}
