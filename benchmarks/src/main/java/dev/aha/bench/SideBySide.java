package dev.aha.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The report of {@code aha bench vs-pytorch}: per model, what the check found and both sides' figures from their
 * interleaved repeats (the fastest, the median, the slowest, and the spread (slowest - fastest) / median) with their
 * ratios (Aha over PyTorch, of the fastest and of the medians), FLOP/s against the machine's peak (the better of
 * DJL's and torch's matmul), and whether the targets hold: on the built-in GPT, Aha samples at least as fast and
 * takes a GRPO step in at most 1.1x the time.
 */
final class SideBySide {

    static final double GRPO_STEP_TARGET = 1.1;

    private final double djlPeak;
    private final JsonNode pytorch;
    private final AhaSide.Workload work;
    private final boolean reference;

    SideBySide(double djlPeak, JsonNode pytorch, AhaSide.Workload work, boolean reference) {
        this.djlPeak = djlPeak;
        this.pytorch = pytorch;
        this.work = work;
        this.reference = reference;
    }

    /**
     * @param checks per model, what the PyTorch side's check found
     * @param torch per model, the PyTorch side's timings
     */
    ObjectNode report(Map<String, AhaSide.Result> aha, Map<String, JsonNode> checks,
            Map<String, Interleaving.Timings> torch, Map<String, ModelFlops> flops) {
        ObjectNode out = new ObjectMapper().createObjectNode();
        double torchPeak = pytorch.path("peak_matmul_flops").asDouble();
        double peak = Math.max(djlPeak, torchPeak);
        ObjectNode p = out.putObject("peak_matmul");
        p.put("djl_gflops", gflops(djlPeak));
        p.put("torch_gflops", gflops(torchPeak));
        p.put("machine_gflops", gflops(peak));
        out.put("torch_version", pytorch.path("torch_version").asText());
        out.put("torch_threads", pytorch.path("threads").asInt());
        out.set("pytorch_blas", pytorch.path("blas"));
        out.put("group_size", work.groupSize());
        out.put("new_tokens", work.newTokens());
        out.put("prompt_tokens", work.promptTokens());
        out.put("warmups", work.warmups());
        out.put("repeats", work.repeats());
        out.put("interleaved", true);
        ObjectNode models = out.putObject("models");
        ObjectNode targets = out.putObject("targets");
        aha.forEach((name, ours) -> {
            JsonNode theirs = checks.get(name);
            ModelFlops count = flops.get(name);
            ObjectNode m = models.putObject(name);
            ObjectNode check = m.putObject("same_computation");
            check.put("loss_aha", ours.request().path("aha").path("loss").asDouble());
            check.put("loss_pytorch", theirs.path("loss").asDouble());
            check.put("loss_abs_diff", theirs.path("loss_abs_diff").asDouble());
            check.put("loss_after_one_adamw_step_abs_diff", theirs.path("loss_after_one_step_abs_diff").asDouble());
            check.put("first_log_probs_max_abs_diff", theirs.path("first_log_probs_max_abs_diff").asDouble());
            check.put("greedy_tokens_equal", theirs.path("greedy_tokens_equal").asBoolean());

            int tokens = work.groupSize() * work.newTokens();
            double samplingFlops = count.sampling(work.promptTokens(), work.groupSize(), work.newTokens());
            AhaSide.Timing torchSample = torch.get(name).sample();
            double ahaSampleTps = tokens / ours.sample().best();
            double torchSampleTps = tokens / torchSample.best();
            ObjectNode s = m.putObject("sampling");
            s.put("aha_tokens_per_second", round(ahaSampleTps));
            s.put("pytorch_tokens_per_second", round(torchSampleTps));
            s.put("ratio_aha_over_pytorch", round(ahaSampleTps / torchSampleTps));
            s.put("median_aha_tokens_per_second", round(tokens / ours.sample().median()));
            s.put("median_pytorch_tokens_per_second", round(tokens / torchSample.median()));
            s.put("median_ratio_aha_over_pytorch", round(torchSample.median() / ours.sample().median()));
            s.put("slowest_aha_tokens_per_second", round(tokens / ours.sample().worst()));
            s.put("slowest_pytorch_tokens_per_second", round(tokens / torchSample.worst()));
            spread(s, ours.sample(), torchSample);
            fractions(s, samplingFlops, ours.sample().best(), torchSample.best(), peak);
            cpu(s, ours.sample().bestCpu(), torchSample.bestCpu());

            double stepFlops = count.grpoStep(work.groupSize(), ours.length(), ours.scoredColumns(), reference);
            AhaSide.Timing torchStep = torch.get(name).grpoStep();
            ObjectNode g = m.putObject("grpo_step");
            g.put("aha_ms", round(ours.grpoStep().best() * 1e3));
            g.put("pytorch_ms", round(torchStep.best() * 1e3));
            g.put("ratio_aha_over_pytorch", round(ours.grpoStep().best() / torchStep.best()));
            g.put("median_aha_ms", round(ours.grpoStep().median() * 1e3));
            g.put("median_pytorch_ms", round(torchStep.median() * 1e3));
            g.put("median_ratio_aha_over_pytorch", round(ours.grpoStep().median() / torchStep.median()));
            g.put("slowest_aha_ms", round(ours.grpoStep().worst() * 1e3));
            g.put("slowest_pytorch_ms", round(torchStep.worst() * 1e3));
            spread(g, ours.grpoStep(), torchStep);
            fractions(g, stepFlops, ours.grpoStep().best(), torchStep.best(), peak);
            cpu(g, ours.grpoStep().bestCpu(), torchStep.bestCpu());
            // Medians of the interleaved repeats: the figures compared on a machine whose runs swing.
            targets.put(name + "_sampling_median_aha_at_least_pytorch",
                    ours.sample().median() <= torchSample.median());
            targets.put(name + "_grpo_step_median_aha_no_slower",
                    ours.grpoStep().median() <= torchStep.median());
            if (name.equals("gpt")) {
                targets.put("gpt_sampling_tokens_per_second_aha_at_least_pytorch", ahaSampleTps >= torchSampleTps);
                targets.put("gpt_grpo_step_aha_at_most_1.1x_pytorch",
                        ours.grpoStep().best() <= GRPO_STEP_TARGET * torchStep.best());
            }
        });
        return out;
    }

    private static void fractions(ObjectNode node, double flops, double ahaSeconds, double torchSeconds, double peak) {
        node.put("gflop", Math.round(flops / 1e3) / 1e6); // to the MFLOP: tiny runs stay nonzero
        node.put("aha_gflops", gflops(flops / ahaSeconds));
        node.put("pytorch_gflops", gflops(flops / torchSeconds));
        node.put("aha_fraction_of_peak", round(flops / ahaSeconds / peak));
        node.put("pytorch_fraction_of_peak", round(flops / torchSeconds / peak));
    }

    /** (slowest - fastest) / median of each side: how far apart its repeats were. */
    private static void spread(ObjectNode node, AhaSide.Timing aha, AhaSide.Timing pytorch) {
        node.put("spread_aha", round(aha.spread()));
        node.put("spread_pytorch", round(pytorch.spread()));
    }

    /** Process CPU of the fastest group or step on each side. */
    private static void cpu(ObjectNode node, double aha, double pytorch) {
        node.put("aha_cpu_ms", round(aha * 1e3));
        node.put("pytorch_cpu_ms", round(pytorch * 1e3));
        node.put("cpu_ratio_aha_over_pytorch", round(aha / pytorch));
    }

    private static double gflops(double flops) {
        return round(flops / 1e9);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
