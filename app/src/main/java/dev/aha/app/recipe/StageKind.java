package dev.aha.app.recipe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** What a stage of a recipe does, and the keys a stage of that kind takes besides {@code name, kind, config}. */
public enum StageKind {
    /** Supervised fine-tuning: the cold start on the task's worked solutions, or on a file or a stage's kept data. */
    SFT("sft", "from", "steps", "minutes", "data", "data-from"),
    /** Reinforcement learning: an aha train run started from the previous checkpoint. */
    GRPO("grpo", "from", "minutes", "reward-model-from", "general-share", "prompts", "seed"),
    /** k scored completions per training prompt from the checkpoint: aha sample. */
    SAMPLE("sample", "from", "k", "prompts", "split", "seed"),
    /** Keeps the correct, readable samples of a sample stage as SFT data: aha reject. */
    REJECT("reject", "samples-from"),
    /** sample and reject in one stage. */
    REJECTION_SAMPLING("rejection-sampling", "from", "k", "prompts", "split", "seed"),
    /** Sample the checkpoint as a teacher, reject, fine-tune a student (another size, or a Hugging Face model). */
    DISTILL("distill", "from", "student", "k", "prompts", "split", "seed", "steps", "minutes"),
    /**
     * A reward model trained on preference pairs (generated: the task's worked solutions or synthetic general
     * requests; or a file) from the checkpoint's decoder with a fresh score head; the policy passes on unchanged.
     */
    RM_TRAIN("rm-train", "from", "pairs", "count", "data", "steps", "minutes", "seed");

    private final String label;
    private final List<String> keys;

    StageKind(String label, String... keys) {
        this.label = label;
        List<String> all = new ArrayList<>(List.of("name", "kind", "config")); // every stage's
        all.addAll(Arrays.asList(keys));
        this.keys = List.copyOf(all);
    }

    public String label() {
        return label;
    }

    /** Every key a stage of this kind takes. */
    public List<String> keys() {
        return keys;
    }

    /** Whether the stage makes a new checkpoint (the others pass their input on). */
    public boolean trains() {
        return this == SFT || this == GRPO || this == DISTILL;
    }

    /** Whether the stage writes scored samples ({@code samples-from} may name it). */
    public boolean writesSamples() {
        return this == SAMPLE || this == REJECTION_SAMPLING || this == DISTILL;
    }

    /** Whether the stage writes SFT data ({@code data-from} may name it). */
    public boolean writesSftData() {
        return this == REJECT || this == REJECTION_SAMPLING || this == DISTILL;
    }

    /** Whether the stage writes a reward model ({@code reward-model-from} may name it). */
    public boolean writesRewardModel() {
        return this == RM_TRAIN;
    }

    /** Whether the stage reads a checkpoint ({@code from}). */
    public boolean readsCheckpoint() {
        return this != REJECT;
    }

    /** The kind a recipe names, or null. */
    public static StageKind parse(String label) {
        for (StageKind k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        return null;
    }

    public static String labels() {
        return Arrays.stream(values()).map(StageKind::label).collect(Collectors.joining(", "));
    }
}
