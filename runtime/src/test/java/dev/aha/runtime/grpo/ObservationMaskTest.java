package dev.aha.runtime.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A multi-turn episode's observations are context, not actions: packed out of the mask, their behaviour log-probs
 * never read, and the loss and its KL the same whatever the policy gives them, normalised over the policy's tokens.
 */
class ObservationMaskTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** Prompt {1, 2}; completion: two policy tokens, two observation tokens, one policy token. */
    private static List<GrpoSample> samples() {
        GrpoSample episode = new GrpoSample(new int[] {1, 2}, new int[] {5, 6, 40, 41, 7},
                new float[] {-1f, -1.5f, 99f, 99f, -0.5f}, 1f, 0, new boolean[] {true, true, false, false, true});
        GrpoSample single = new GrpoSample(new int[] {1, 2, 3}, new int[] {8, 9}, new float[] {-2f, -2f}, -1f, 0);
        return List.of(episode, single);
    }

    @ParameterizedTest
    @EnumSource(LossAggregation.class)
    void observationsAreOutOfTheMaskTheLossAndTheKl(LossAggregation aggregation) {
        GrpoBatch batch = GrpoBatch.pack(manager, samples(), 0);
        // first column = 1 (the shortest prompt's last position); row 0's completion starts at column 0
        assertArrayEquals(new float[] {1, 1, 0, 0, 1, 0, 1, 1, 0, 0}, batch.mask().toFloatArray());
        float[] behaviour = batch.behaviourLogProbs().toFloatArray();
        assertEquals(0f, behaviour[2], "an observation's behaviour log-prob is never carried");
        assertEquals(0f, behaviour[3]);
        assertEquals(5f, batch.mask().sum().getFloat(), "the token normaliser counts policy tokens only");

        GrpoSettings settings = new GrpoSettings(0.2, 0.28, 0.1, aggregation,
                aggregation != LossAggregation.DR_GRPO, 1e-4, aggregation == LossAggregation.DR_GRPO ? 8 : 0);
        float calm = loss(settings, batch, 0f);
        float wild = loss(settings, batch, 5f);
        assertEquals(calm, wild, 1e-6f, "what the policy gives an observation changes neither the loss nor the KL");
    }

    /** The loss with pi_theta = behaviour + 0.1 at policy tokens and + {@code observationShift} at observations. */
    private float loss(GrpoSettings settings, GrpoBatch batch, float observationShift) {
        float[] behaviour = batch.behaviourLogProbs().toFloatArray();
        float[] mask = batch.mask().toFloatArray();
        float[] current = new float[behaviour.length];
        float[] reference = new float[behaviour.length];
        for (int i = 0; i < current.length; i++) {
            current[i] = behaviour[i] + (mask[i] > 0 ? 0.1f : observationShift);
            reference[i] = behaviour[i];
        }
        Shape shape = batch.mask().getShape();
        NDArray out = new GrpoLoss(settings).compute(manager.create(current, shape), batch.behaviourLogProbs(),
                manager.create(reference, shape), batch.mask(), batch.advantages()).loss();
        return out.getFloat();
    }
}
