package dev.aha.bench;

import dev.aha.runtime.grpo.GroupAdvantages;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.sampling.Completion;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A sampled group turned into GRPO samples with made-up rewards, for benchmarks that time the learner's step without a
 * reward model: random 0/1 rewards, never all equal (the first two are 0 and 1, so every advantage is not 0), and
 * advantages as GRPO computes them.
 */
final class SyntheticGroup {

    private SyntheticGroup() {}

    static List<GrpoSample> samples(int[] prompt, List<Completion> group, GrpoSettings grpo, Random rng) {
        double[] rewards = new double[group.size()];
        for (int g = 0; g < rewards.length; g++) {
            rewards[g] = g < 2 ? g : rng.nextInt(2);
        }
        float[] advantages = GroupAdvantages.compute(rewards, grpo.scaleAdvantagesByStd(), grpo.advantageEps());
        List<GrpoSample> samples = new ArrayList<>(group.size());
        for (int g = 0; g < group.size(); g++) {
            Completion c = group.get(g);
            samples.add(new GrpoSample(prompt, c.tokens(), c.logProbs(), advantages[g]));
        }
        return samples;
    }
}
