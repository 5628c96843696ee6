package dev.aha.actors.run;

/** The run ended before its deadline because an actor it cannot go on without (learner, dispatcher) failed. */
public final class TrainingFailed extends RuntimeException {

    public TrainingFailed(String actor, Throwable cause) {
        super("the " + actor + " failed: " + describe(cause), cause);
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
