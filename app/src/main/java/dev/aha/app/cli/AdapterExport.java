package dev.aha.app.cli;

import ai.djl.ndarray.NDManager;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.lora.LoraBase;
import dev.aha.runtime.policy.lora.LoraPolicy;
import dev.aha.runtime.policy.lora.LoraRecord;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code aha export} does with a checkpoint of LoRA adapters: PEFT's adapter files ({@code --adapter}) or the
 * merged model ({@code --merge}), the adapters always loaded onto their base first, so a base that is not theirs
 * (another model, or one changed since: the SHA-256 of its weights) is refused before anything is written.
 */
final class AdapterExport {

    /** What the command line asks for. */
    enum Mode {
        /** A whole policy, as before LoRA. */
        WHOLE,
        /** PEFT's adapter_config.json and adapter_model.safetensors. */
        ADAPTER,
        /** The base with every adapter merged in. */
        MERGE
    }

    private AdapterExport() {}

    /**
     * The mode, checked against what the checkpoint holds.
     *
     * @throws IllegalArgumentException in one line when the options and the checkpoint do not go together
     */
    static Mode mode(Path dir, Optional<LoraRecord> adapters, boolean adapter, boolean merge, boolean gguf) {
        if (adapter && merge) {
            throw new IllegalArgumentException("--adapter writes the adapters alone, --merge the merged model: give "
                    + "one");
        }
        if ((adapter || merge) && adapters.isEmpty()) {
            throw new IllegalArgumentException("aha export " + (adapter ? "--adapter" : "--merge") + ": checkpoint "
                    + dir + " holds no LoRA adapters (it was trained with aha.lora.rank = 0): export it without "
                    + (adapter ? "--adapter" : "--merge"));
        }
        if (!adapter && !merge && adapters.isPresent()) {
            throw new IllegalArgumentException("checkpoint " + dir + " holds LoRA adapters (rank "
                    + adapters.get().settings().rank() + "): give --adapter for PEFT's adapter files or --merge for "
                    + "the merged model");
        }
        if (adapter && gguf) {
            throw new IllegalArgumentException("--adapter writes PEFT's files (--format hf); --merge writes a GGUF "
                    + "file of the merged model");
        }
        return adapter ? Mode.ADAPTER : merge ? Mode.MERGE : Mode.WHOLE;
    }

    /**
     * The base read from {@code baseDir} (default: the directory the checkpoint names) with the checkpoint's
     * adapters loaded onto it.
     *
     * @param described the model the checkpoint's policy.json describes: the base must have its layout
     */
    static LoraPolicy load(Path dir, LoraRecord record, HfModel described, Path baseDir, NDManager manager) {
        Path from = baseDir != null ? baseDir : Path.of(record.base().model());
        HfModel base = HfModel.open(from, described.contextLength());
        if (!base.layout().equals(described.layout())) {
            throw new IllegalArgumentException("base " + from + " (" + base.architecture() + ", " + base.layout()
                    + ") is not the model checkpoint " + dir + " adapts (" + described.architecture() + ", "
                    + described.layout() + ")");
        }
        LoraPolicy adapted = LoraPolicy.over(base.create(manager), record.settingsForLoad(), LoraBase.nameOf(base), 0);
        try {
            CheckpointStore.load(dir, adapted, null); // refuses a base whose weights hash otherwise
            return adapted;
        } catch (RuntimeException e) {
            adapted.close();
            throw e;
        }
    }
}
