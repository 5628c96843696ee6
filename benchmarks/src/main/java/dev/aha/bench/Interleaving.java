package dev.aha.bench;

/**
 * Both sides' timed runs of one model, alternating: the warm-ups, then each repeat once on Aha and once on PyTorch,
 * the side that goes first swapping every round. A change in the machine's load (other work on shared cores, a
 * frequency step) then falls on both sides alike instead of on whichever side ran during it.
 */
final class Interleaving {

    /** One side's timings of one model. */
    record Timings(AhaSide.Timing sample, AhaSide.Timing grpoStep) {}

    /** Both sides' timings of one model. */
    record Both(Timings aha, Timings pytorch) {}

    private Interleaving() {}

    static Both run(AhaSide.Prepared aha, PyTorchSession pytorch, String model, int warmups, int repeats) {
        AhaSide.Timing[][] parts = new AhaSide.Timing[2][];
        String[] names = {AhaSide.SAMPLE, AhaSide.GRPO_STEP};
        for (int p = 0; p < names.length; p++) {
            String part = names[p];
            for (int w = 0; w < warmups; w++) {
                aha.time(part);
                pytorch.time(model, part);
            }
            double[][] seconds = new double[2][repeats];
            double[][] cpu = new double[2][repeats];
            for (int r = 0; r < repeats; r++) {
                for (int turn = 0; turn < 2; turn++) {
                    int side = (r + turn) % 2; // 0 = Aha, 1 = PyTorch; round r starts with side r % 2
                    double[] t = side == 0 ? aha.time(part) : pytorch.time(model, part);
                    seconds[side][r] = t[0];
                    cpu[side][r] = t[1];
                }
            }
            parts[p] = new AhaSide.Timing[] {AhaSide.Timing.of(seconds[0], cpu[0]), AhaSide.Timing.of(seconds[1], cpu[1])};
        }
        return new Both(new Timings(parts[0][0], parts[1][0]), new Timings(parts[0][1], parts[1][1]));
    }
}
