package dev.aha.runtime.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A Hugging Face tokenizer directory ({@code tokenizer.json} + {@code tokenizer_config.json}, optionally
 * {@code generation_config.json} and {@code special_tokens_map.json}) behind {@link Tokenizer}, run by the Rust
 * tokenizers library through DJL, offline.
 *
 * <ul>
 *   <li>{@link #encode} adds no special tokens (no BOS): the chat template writes {@code bos_token} as text and the
 *       added-token matching turns it into its id. Text that spells out an added token ({@code <|im_start|>},
 *       {@code <think>}) encodes to that token's id.</li>
 *   <li>{@link #decode} drops pad and end ids, then skips the added tokens marked special. Tokens marked
 *       {@code special: false} survive: Qwen3's {@code <think>}/{@code </think>} and DeepSeek's
 *       {@code <｜User｜>} come back as text, which the format reward reads.</li>
 *   <li>{@link #vocabSize()} is the number of ids the tokenizer produces (base vocabulary + added tokens); a model's
 *       embedding may be larger (Qwen3: 151,936 rows for 151,669 ids), which is the model's concern.</li>
 *   <li>End ids: {@code eos_token_id} of {@code generation_config.json} when given (Qwen3 lists two), else the id of
 *       {@code eos_token}; pad: {@code pad_token}'s id, else {@link #endId()}. See {@link HfTokenizerConfig}.</li>
 * </ul>
 *
 * <p>Thread-safe: encode and decode may run on many threads at once. The Rust {@code Tokenizer} is {@code Sync}
 * (encode and decode take {@code &self}; the BPE cache sits behind its own lock) and this class never changes its
 * settings after loading; {@code HfTokenizerTest} checks concurrent results against sequential ones. A read-write
 * lock keeps {@link #close()} (which frees the native handle) from running under an encode or decode in flight;
 * after close both throw {@link IllegalStateException}.
 *
 * <p>Loading is the slow part (the first load in a JVM also unpacks the native library); encoding a prompt and
 * decoding a completion are small next to sampling it. Run with {@code -Dai.djl.offline=true} (the project's JVM flags set it): without it DJL probes the EC2 metadata
 * service for telemetry on load, and on a CUDA machine tries to download a CUDA build of the library.
 */
public final class HfTokenizer implements Tokenizer {

    public static final String TOKENIZER_JSON = "tokenizer.json";

    /** No truncation and no padding (DJL truncates to 512 tokens and pads batches unless told otherwise). */
    private static final Map<String, String> OPTIONS = Map.of(
            "addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private final Path directory;
    private final HfTokenizerConfig config;
    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final int[] endIds;
    private final int padId;
    private final Lock using;
    private final Lock closing;
    private boolean closed; // guarded by the locks: written under closing, read under using

    private HfTokenizer(Path directory, HfTokenizerConfig config, HuggingFaceTokenizer tokenizer, int vocabSize,
            int[] endIds, int padId) {
        this.directory = directory;
        this.config = config;
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
        this.endIds = endIds;
        this.padId = padId;
        ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        this.using = lock.readLock();
        this.closing = lock.writeLock();
    }

    /**
     * Loads {@code directory}. Fails with a {@link TokenizerLoadException} naming the file at fault: a missing
     * directory or file, malformed JSON, a special token that is not in the vocabulary, an end id out of range.
     */
    public static HfTokenizer load(Path directory) {
        return open(HfTokenizerFiles.read(directory));
    }

    /** The native tokenizer of files already read and checked ({@link HfTokenizerFiles#read}). */
    public static HfTokenizer open(HfTokenizerFiles files) {
        Path file = files.tokenizerJson();
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TokenizerLoadException(file, "cannot be read: " + e, e);
        }
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), OPTIONS);
        } catch (IOException | RuntimeException e) {
            throw new TokenizerLoadException(file, "the tokenizers library cannot load it: " + e.getMessage(), e);
        }
        return new HfTokenizer(files.directory(), files.config(), tokenizer, files.vocabSize(), files.endIds(),
                files.padId());
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int padId() {
        return padId;
    }

    @Override
    public int endId() {
        return endIds[0];
    }

    @Override
    public int[] endIds() {
        return endIds.clone();
    }

    /** The directory loaded. */
    public Path directory() {
        return directory;
    }

    /** The special tokens and where {@code tokenizer_config.json} is (the chat template reads it). */
    public HfTokenizerConfig config() {
        return config;
    }

    /** The BOS token's text, for the chat template; null when the model has none (Qwen3). */
    public String bosToken() {
        return config.bosToken();
    }

    /** The EOS token's text, for the chat template; null only if {@code tokenizer_config.json} names none. */
    public String eosToken() {
        return config.eosToken();
    }

    @Override
    public int[] encode(String text) {
        long[] ids;
        using.lock();
        try {
            checkOpen();
            ids = tokenizer.encode(text, false, false).getIds();
        } finally {
            using.unlock();
        }
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] kept = new long[ids.length];
        int n = 0;
        for (int id : ids) {
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabSize
                        + ")");
            }
            if (id != padId && !isEnd(id)) {
                kept[n++] = id;
            }
        }
        String text;
        using.lock();
        try {
            checkOpen();
            text = tokenizer.decode(n == kept.length ? kept : Arrays.copyOf(kept, n), true);
        } finally {
            using.unlock();
        }
        return config.cleanUpTokenizationSpaces() ? cleanUpTokenizationSpaces(text) : text;
    }

    private boolean isEnd(int id) {
        for (int end : endIds) {
            if (end == id) {
                return true;
            }
        }
        return false;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** transformers' {@code clean_up_tokenization}, for tokenizers whose config asks for it. */
    static String cleanUpTokenizationSpaces(String text) {
        return text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }

    /** Frees the native tokenizer once any encode or decode in flight has finished. Idempotent. */
    @Override
    public void close() {
        closing.lock();
        try {
            if (!closed) {
                closed = true;
                tokenizer.close();
            }
        } finally {
            closing.unlock();
        }
    }

    @Override
    public String toString() {
        return "HfTokenizer(" + directory + ", vocab=" + vocabSize + ", end=" + Arrays.toString(endIds) + ", pad="
                + padId + ")";
    }
}
