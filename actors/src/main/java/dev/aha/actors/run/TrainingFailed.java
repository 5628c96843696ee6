package dev.aha.actors.run;

/**
 * The run failed: an actor it cannot go on without (learner, dispatcher) failed, or it ended without learning
 * anything (every learner step non-finite).
 */
public final class TrainingFailed extends RuntimeException {

    public TrainingFailed(String actor, Throwable cause) {
        super("the " + actor + " failed: " + describe(cause), cause);
    }

    private TrainingFailed(String why) {
        super(why);
    }

    /**
     * @throws TrainingFailed when the segment took steps and every one had a non-finite loss or gradient: the
     *     optimiser skipped them all, so the policy never moved, whatever the summary's other figures say
     */
    public static void requireFiniteSteps(long steps, long nonFinite) {
        if (steps > 0 && nonFinite == steps) {
            throw new TrainingFailed("all " + steps + " learner steps had a non-finite loss or gradient and were "
                    + "skipped: the policy did not move (a sampling temperature of 0, or a learning rate too high?)");
        }
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String what = root.getClass().getSimpleName() + (root.getMessage() != null ? ": " + root.getMessage() : "");
        return root == cause ? what : cause.getClass().getSimpleName() + " caused by " + what;
    }
}
