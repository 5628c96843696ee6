package dev.aha.app.recipe;

import dev.aha.runtime.eval.EvalResult;

/** How the pipeline's messages and table put stages, times and figures into words. */
final class StageText {

    private StageText() {}

    /** What a stage is about to do, for the line that starts it. */
    static String plan(Stage s) {
        return switch (s.kind()) {
            case SFT -> (s.steps() != null ? s.steps() + " " : "") + "SFT steps"
                    + (s.minutes() != null ? " (at most " + minutes(s.minutes()) + " minutes)" : "") + " on "
                    + (s.data() != null ? s.data().toString()
                            : s.dataFrom() != null ? "the data kept by " + s.dataFrom()
                            : "the task's worked solutions");
            case GRPO -> minutes(s.minutes()) + " minutes of GRPO" + (s.from().equals(Recipe.INITIAL)
                    ? " (no cold start)" : "") + (s.generalShare() != null ? String.format(" on %,d mixed prompts "
                    + "(%.0f%% general, rewarded by %s's reward model)", s.prompts() == null
                    ? GrpoStage.MIXED_PROMPTS : s.prompts(), 100 * s.generalShare(), s.rewardModelFrom())
                    : s.rewardModelFrom() != null ? " with " + s.rewardModelFrom() + "'s reward model" : "");
            case SAMPLE -> "sampling " + s.prompts() + " prompts";
            case REJECT -> "keeping the correct, readable samples of " + s.samplesFrom();
            case REJECTION_SAMPLING -> "sampling " + s.prompts() + " prompts and keeping the correct, readable samples";
            case DISTILL -> "sampling " + s.prompts() + " prompts as the teacher, SFT of the student on those kept";
            case RM_TRAIN -> "a reward model from " + s.from() + "'s decoder on " + (s.data() != null
                    ? s.data().toString() : String.format("%,d generated %s pairs", s.count(), s.pairs()))
                    + (s.steps() != null ? ", " + s.steps() + " steps" : "")
                    + (s.minutes() != null ? ", at most " + minutes(s.minutes()) + " minutes" : "");
        };
    }

    /** ": held-out pass@1 ..., cons@k ..." after a stage's line, or nothing when not measured. */
    static String figuresLine(EvalResult r) {
        if (r == null) {
            return "";
        }
        return String.format(": held-out pass@1 %.3f, cons@%d %.3f, format %.3f, %.1f tokens", r.pass1(), r.k(),
                r.consK(), r.formatRate(), r.meanCompletionTokens());
    }

    /** 5, or 0.05: minutes as a recipe writes them. */
    static String minutes(double minutes) {
        return minutes == Math.rint(minutes) ? Long.toString((long) minutes) : Double.toString(minutes);
    }

    /** 42s, or 3m05s. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** A figure with three decimals, or - when there is none. */
    static String figure(Double v) {
        return v == null || !Double.isFinite(v) ? "-" : String.format("%.3f", v);
    }
}
