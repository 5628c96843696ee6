package dev.aha.bench.llamacpp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One llama.cpp benchmark run ({@link LlamaCpp#bench}): the prefill of every sequence's prompt, then the decode
 * steps in which all sequences produce one token each. The first new token of a sequence comes out of its prefill,
 * so decode throughput counts the other {@code newTokens - 1} per sequence.
 *
 * @param cpuBackend the CPU build of ggml llama.cpp loaded (zen4, haswell, ...), or null if its log did not say
 * @param systemInfo llama.cpp's own line of the CPU features it uses
 */
public record LlamaCppBench(int threads, int sequences, int promptTokens, int newTokens, double prefillSeconds,
        double decodeSeconds, double prefillTokensPerSecond, double generatedTokensPerSecond, String nodeLlamaCpp,
        String llamaCppRelease, String cpuBackend, String systemInfo) {

    static LlamaCppBench of(JsonNode json) {
        return new LlamaCppBench(json.path("threads").asInt(), json.path("sequences").asInt(),
                json.path("prompt_tokens").asInt(), json.path("new_tokens").asInt(),
                json.path("prefill_seconds").asDouble(), json.path("decode_seconds").asDouble(),
                json.path("prefill_tokens_per_second").asDouble(), json.path("generated_tokens_per_second").asDouble(),
                json.path("node_llama_cpp").asText(null), json.path("llama_cpp_release").asText(null),
                json.path("cpu_backend").isNull() ? null : json.path("cpu_backend").asText(null),
                json.path("system_info").asText(null));
    }
}
