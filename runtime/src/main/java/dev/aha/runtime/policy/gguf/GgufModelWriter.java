package dev.aha.runtime.policy.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.hf.TensorBytes;
import dev.aha.runtime.policy.llama.LlamaConfig;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a Llama-family policy (llama, qwen2, qwen3) as one GGUF file that llama.cpp and Ollama load, as llama.cpp's
 * {@code convert_hf_to_gguf.py} would write the same model from its Hugging Face directory:
 * <ul>
 *   <li>tensor names: {@code token_embd}, {@code blk.N.attn_q|attn_k|attn_v|attn_output} (+ {@code .bias} where the
 *       model has them), {@code blk.N.attn_q_norm|attn_k_norm} (qwen3), {@code blk.N.ffn_gate|ffn_up|ffn_down},
 *       {@code blk.N.attn_norm|ffn_norm}, {@code output_norm}, {@code output} (none with tied embeddings: llama.cpp
 *       then reads {@code token_embd});
 *   <li>llama's q_proj and k_proj rows are permuted from rotate-half order to the interleaved pairs llama.cpp's
 *       llama rope rotates (qwen2 and qwen3 use the NEOX rope, which rotates halves: no permutation);
 *   <li>matrices in the chosen type, every 1-D tensor and norm weight in F32; a Q8_0 matrix whose rows do not fill
 *       blocks of 32 falls back to F16, as in the converter;
 *   <li>metadata: {@code general.*}, {@code <arch>.*} sizes, the tokenizer ({@link GgufVocabulary},
 *       {@link GgufSpecialTokens});
 *   <li>RoPE scaling: linear and yarn as metadata, llama3 as a {@code rope_freqs.weight} tensor, what llama.cpp
 *       cannot reproduce refused ({@link GgufRope}).
 * </ul>
 */
public final class GgufModelWriter {

    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");

    /**
     * How to write.
     *
     * @param type the matrices' type (F32 bit-exact; F16, BF16, Q8_0 rounded)
     * @param tokenizerDir a Hugging Face tokenizer directory (tokenizer.json, tokenizer_config.json)
     * @param name {@code general.name}, e.g. the model's folder name
     */
    public record Options(GgmlType type, Path tokenizerDir, String name) {

        public Options {
            if (tokenizerDir == null) {
                throw new IllegalArgumentException("a GGUF file carries its vocabulary: give a tokenizer directory");
            }
        }
    }

    private GgufModelWriter() {}

    /** Writes {@code policy}, whose shape {@code config} describes, to {@code target} (which must not exist). */
    public static Path write(Policy policy, LlamaConfig config, Path target, Options options) {
        if (!config.layout().equals(policy.layout())) {
            throw new IllegalArgumentException("the policy's layout (" + policy.architecture() + ") is not the one "
                    + "its config describes");
        }
        refuseWhatLlamaCppLacks(config);
        GgufMetadata metadata = metadata(config, options);
        List<GgufWriter.Tensor> tensors = new ArrayList<>(GgufRope.tensors(config));
        for (PolicyParameter p : policy.parameters()) {
            tensors.add(tensor(p, config, options.type()));
        }
        return GgufWriter.write(target, metadata, tensors);
    }

    /** llama.cpp's graphs for these architectures have no place for some weights transformers allows. */
    static void refuseWhatLlamaCppLacks(LlamaConfig config) {
        GgufRope.refuseWhatLlamaCppLacks(config);
        if (config.modelType().equals(LlamaConfig.QWEN3) && config.oBias()) {
            throw new IllegalArgumentException("qwen3 with attention_bias: llama.cpp's qwen3 has no attention output"
                    + " bias, so this model cannot be written as GGUF");
        }
        if (config.modelType().equals(LlamaConfig.QWEN2)
                && config.numAttentionHeads() * config.headDim() != config.hiddenSize()) {
            throw new IllegalArgumentException("qwen2 with head_dim " + config.headDim() + " x "
                    + config.numAttentionHeads() + " heads != hidden_size " + config.hiddenSize()
                    + ": llama.cpp's qwen2 needs them equal");
        }
    }

    static GgufMetadata metadata(LlamaConfig config, Options options) {
        String arch = config.modelType();
        GgufMetadata m = new GgufMetadata();
        m.putString("general.architecture", arch);
        m.putString("general.type", "model");
        if (options.name() != null && !options.name().isBlank()) {
            m.putString("general.name", options.name());
        }
        m.putUint32(GgufWriter.ALIGNMENT_KEY, GgufWriter.DEFAULT_ALIGNMENT);
        m.putUint32(arch + ".block_count", config.numHiddenLayers());
        m.putUint32(arch + ".context_length", config.maxPositionEmbeddings());
        m.putUint32(arch + ".embedding_length", config.hiddenSize());
        m.putUint32(arch + ".feed_forward_length", config.intermediateSize());
        m.putUint32(arch + ".attention.head_count", config.numAttentionHeads());
        m.putUint32(arch + ".attention.head_count_kv", config.numKeyValueHeads());
        m.putFloat32(arch + ".rope.freq_base", config.ropeTheta());
        GgufRope.put(config, m);
        m.putFloat32(arch + ".attention.layer_norm_rms_epsilon", config.rmsNormEps());
        // the converter writes these whenever config.json has head_dim, which Aha's configs always state
        m.putUint32(arch + ".attention.key_length", config.headDim());
        m.putUint32(arch + ".attention.value_length", config.headDim());
        m.putUint32("general.file_type", options.type().fileType());
        if (arch.equals(LlamaConfig.LLAMA)) {
            m.putUint32(arch + ".vocab_size", config.vocabSize());
            m.putUint32(arch + ".rope.dimension_count", config.headDim());
        }
        m.putUint32("general.quantization_version", 2); // GGML_QUANT_VERSION
        Path dir = options.tokenizerDir();
        JsonNode tokenizer = GgufVocabulary.read(dir);
        GgufVocabulary.put(dir.resolve("tokenizer.json"), tokenizer, config.vocabSize(), m);
        GgufSpecialTokens.put(dir, tokenizer, config, config.vocabSize(), m);
        return m;
    }

    static GgufWriter.Tensor tensor(PolicyParameter p, LlamaConfig config, GgmlType chosen) {
        String name = ggufName(p.name());
        long[] shape = p.shape().getShape();
        GgmlType type = shape.length <= 1 || name.endsWith("_norm.weight") ? GgmlType.F32 : chosen;
        if (shape[shape.length - 1] % type.blockSize() != 0) {
            type = GgmlType.F16;
        }
        int permuteHeads = !config.modelType().equals(LlamaConfig.LLAMA) ? 0
                : p.name().contains(".q_proj.") ? config.numAttentionHeads()
                : p.name().contains(".k_proj.") ? config.numKeyValueHeads() : 0;
        GgufWriter.FloatSource source = permuteHeads == 0
                ? use -> TensorBytes.read(p.array(), bytes -> use.accept(bytes.asFloatBuffer()))
                : use -> use.accept(FloatBuffer.wrap(permuteRows(whole(p), shape, permuteHeads)));
        return new GgufWriter.Tensor(name, shape, type, source);
    }

    /** A q or k projection's values in one buffer (rows move between pieces when permuted; these are small). */
    private static FloatBuffer whole(PolicyParameter p) {
        FloatBuffer all = FloatBuffer.allocate(Math.toIntExact(p.elementCount()));
        TensorBytes.read(p.array(), bytes -> all.put(bytes.asFloatBuffer()));
        return all.flip();
    }

    /**
     * The converter's {@code LlamaModel.permute}: within each head, row {@code j * half + i} (rotate-half order:
     * all first halves, then all second halves) moves to row {@code 2i + j} (interleaved pairs).
     */
    static float[] permuteRows(FloatBuffer values, long[] shape, int heads) {
        int rows = Math.toIntExact(shape[0]);
        int cols = shape.length > 1 ? Math.toIntExact(shape[1]) : 1;
        int headRows = rows / heads;
        int half = headRows / 2;
        float[] out = new float[Math.multiplyExact(rows, cols)];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < half; i++) {
                    int from = h * headRows + j * half + i;
                    int to = h * headRows + 2 * i + j;
                    values.get(from * cols, out, to * cols, cols);
                }
            }
        }
        return out;
    }

    /** transformers' state-dict name to llama.cpp's tensor name. */
    static String ggufName(String hf) {
        switch (hf) {
            case LlamaConfig.Names.EMBED:
                return "token_embd.weight";
            case LlamaConfig.Names.NORM:
                return "output_norm.weight";
            case LlamaConfig.Names.LM_HEAD:
                return "output.weight";
            default:
                break;
        }
        Matcher m = LAYER.matcher(hf);
        if (!m.matches()) {
            throw new IllegalArgumentException("no GGUF name for tensor " + hf);
        }
        String rest = m.group(2);
        int dot = rest.lastIndexOf('.');
        String module = rest.substring(0, dot);
        String kind = rest.substring(dot); // .weight or .bias
        String mapped = switch (module) {
            case "self_attn.q_proj" -> "attn_q";
            case "self_attn.k_proj" -> "attn_k";
            case "self_attn.v_proj" -> "attn_v";
            case "self_attn.o_proj" -> "attn_output";
            case "self_attn.q_norm" -> "attn_q_norm";
            case "self_attn.k_norm" -> "attn_k_norm";
            case "mlp.gate_proj" -> "ffn_gate";
            case "mlp.up_proj" -> "ffn_up";
            case "mlp.down_proj" -> "ffn_down";
            case "input_layernorm" -> "attn_norm";
            case "post_attention_layernorm" -> "ffn_norm";
            default -> throw new IllegalArgumentException("no GGUF name for tensor " + hf);
        };
        return "blk." + m.group(1) + "." + mapped + kind;
    }
}
