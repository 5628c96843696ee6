package dev.aha.app.cli;

import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.hf.HfSequenceClassification;
import dev.aha.runtime.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aha init-model}: a randomly initialised Llama-family model as a Hugging Face directory, to try Aha without a
 * download (and what the tests use). Initialised as transformers does; the same seed gives the same bytes.
 */
@Command(name = "init-model", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a random llama, qwen2 or qwen3 model (Hugging Face).",
            "Initialised as transformers does; the same --seed gives the same bytes."})
public final class InitModelCommand implements Callable<Integer> {

    /** Embedding rows are a multiple of this (Qwen pads its 151,669 ids to 151,936 likewise). */
    static final int VOCAB_MULTIPLE = 128;

    @Option(names = "--architecture", required = true, paramLabel = "qwen3|qwen2|llama")
    String architecture;

    @Option(names = "--hidden", required = true, paramLabel = "N", description = "hidden_size.")
    int hidden;

    @Option(names = "--layers", required = true, paramLabel = "N", description = "num_hidden_layers.")
    int layers;

    @Option(names = "--heads", required = true, paramLabel = "N", description = "num_attention_heads.")
    int heads;

    @Option(names = "--kv-heads", paramLabel = "N", description = "num_key_value_heads (default: --heads).")
    Integer kvHeads;

    @Option(names = "--intermediate", required = true, paramLabel = "N", description = "intermediate_size.")
    int intermediate;

    @Option(names = "--head-dim", paramLabel = "N", description = "head_dim (default: hidden / heads).")
    Integer headDim;

    @Option(names = "--tokenizer", paramLabel = "DIR",
            description = "Tokenizer files to copy in; sizes the vocabulary and names BOS/EOS.")
    Path tokenizer;

    @Option(names = "--vocab", paramLabel = "N",
            description = "vocab_size (default: the tokenizer's ids rounded up to a multiple of " + VOCAB_MULTIPLE + ").")
    Integer vocab;

    @Option(names = "--untied", description = "A separate lm_head (default: tied to the embedding, as small Qwen).")
    boolean untied;

    @Option(names = "--reward-model",
            description = "A reward model (*ForSequenceClassification, one label): the decoder and a score head "
                    + "instead of an lm_head; pad_token_id is the tokenizer's.")
    boolean rewardModel;

    @Option(names = "--max-positions", defaultValue = "4096", paramLabel = "N",
            description = "max_position_embeddings (default: ${DEFAULT-VALUE}).")
    int maxPositions;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty directory.")
    Path out;

    @Override
    public Integer call() {
        int vocabSize;
        Integer bos = null;
        Integer eos = null;
        Integer pad = null;
        if (tokenizer != null) {
            try (HfTokenizer t = HfTokenizer.load(tokenizer)) {
                vocabSize = vocab != null ? vocab : roundUp(t.vocabSize(), VOCAB_MULTIPLE);
                if (vocabSize < t.vocabSize()) {
                    throw new IllegalArgumentException("--vocab " + vocabSize + " is smaller than the tokenizer's "
                            + t.vocabSize() + " ids");
                }
                eos = t.endId();
                pad = t.padId();
                bos = t.bosToken() == null ? null : single(t.encode(t.bosToken()), t.bosToken());
            }
        } else if (vocab != null) {
            vocabSize = vocab;
        } else {
            throw new IllegalArgumentException("give --tokenizer DIR (or at least --vocab N)");
        }
        HfModelInit.Spec spec = HfModelInit.Spec.of(architecture, hidden, layers, heads, kvHeads != null ? kvHeads
                : heads, intermediate, vocabSize, !untied, seed).withMaxPositionEmbeddings(maxPositions)
                .withSpecialTokens(bos, eos);
        if (headDim != null) {
            spec = spec.withHeadDim(headDim);
        }
        Path written = rewardModel ? HfModelInit.writeRewardModel(spec, out, tokenizer, pad)
                : HfModelInit.write(spec, out, tokenizer);
        HfModel model = HfModel.open(written, maxPositions);
        long parameters = rewardModel ? HfSequenceClassification.layout(model.config(), 1).totalElements()
                : model.layout().totalElements();
        System.err.printf("aha init-model: %s%s, %,d parameters (%.1f MB in float32), vocabulary %,d, seed %d: %s%n",
                model.architecture(), rewardModel ? " reward model" : "", parameters, parameters * 4 / 1e6, vocabSize,
                seed, written.toAbsolutePath());
        return 0;
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    private static Integer single(int[] ids, String token) {
        if (ids.length != 1) {
            throw new IllegalArgumentException("the tokenizer's BOS token " + token + " is not one token");
        }
        return ids[0];
    }
}
