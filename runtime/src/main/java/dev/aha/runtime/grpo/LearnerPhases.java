package dev.aha.runtime.grpo;

/**
 * Where one GRPO update's wall time went, in seconds: the reference's forward (0 when beta = 0), the policy's
 * forward with the loss, the backward pass, and the optimiser step. Packing the batch and the diagnostics are the
 * rest. On the CPU every op has finished when it returns, so the phases are exact; an accelerator's queue would
 * blur them.
 */
public record LearnerPhases(double referenceSeconds, double forwardSeconds, double backwardSeconds,
                            double optimizerSeconds) {

    public static final LearnerPhases NONE = new LearnerPhases(0, 0, 0, 0);

    public double totalSeconds() {
        return referenceSeconds + forwardSeconds + backwardSeconds + optimizerSeconds;
    }

    /** Accumulates the phases of one update, micro-batch by micro-batch. */
    static final class Clock {
        private long reference;
        private long forward;
        private long backward;
        private long optimizer;
        private long mark = System.nanoTime();

        private long lap() {
            long now = System.nanoTime();
            long elapsed = now - mark;
            mark = now;
            return elapsed;
        }

        void restart() {
            mark = System.nanoTime();
        }

        void reference() {
            reference += lap();
        }

        void forward() {
            forward += lap();
        }

        void backward() {
            backward += lap();
        }

        void optimizer() {
            optimizer += lap();
        }

        LearnerPhases phases() {
            return new LearnerPhases(reference / 1e9, forward / 1e9, backward / 1e9, optimizer / 1e9);
        }
    }
}
