package dev.aha.app.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.TaskFactory;
import dev.aha.actors.run.TrainingSession;
import dev.aha.app.cli.RewardModelRun;
import dev.aha.app.recipe.Configs;
import dev.aha.app.recipe.SftData;
import dev.aha.app.recipe.SftRun;
import dev.aha.bench.BlasSection;
import dev.aha.bench.ConfigOptions;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.rm.ModelReward;
import dev.aha.runtime.rm.RewardModelSettings;
import dev.aha.runtime.rm.RewardRoute;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha bench rm-overoptimization}: reward-model over-optimisation measured as Gao, Schulman and Hilton (2022)
 * measure it, in miniature. The gold reward is the arithmetic task's rule reward (accuracy + format), which the
 * reward models never see: they learn from preference pairs of the starting policy's own samples that the rule
 * labelled ({@link GoldPairs}). A proxy reward model is trained on N of those pairs for each N given; GRPO then
 * optimises the policy against each proxy alone ({@code aha.reward.route = model}) in segments, and after each
 * segment the policy is sampled on held-out prompts and its mean gold and proxy rewards are plotted against
 * sqrt(KL) from the starting policy ({@link ProxyGoldProbe}).
 */
@Command(name = "rm-overoptimization", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Over-optimisation: gold and proxy reward vs sqrt(KL).",
            "Reward over-optimisation as Gao, Schulman and Hilton (2022) measure it, in miniature.",
            "Gold: the arithmetic rule reward, never shown to the reward model. Proxies: reward models trained on N "
                + "gold-labelled pairs of the starting policy's samples, for each N. GRPO against each proxy alone; "
                + "after each segment, gold and proxy rewards on held-out prompts and the KL from the start.",
            "Writes OUT/rm-overoptimization.json and .png and prints the JSON."})
public final class RmOveroptimizationBench implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/bench/rm-overoptimization",
            description = "Where everything goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--cold-start-steps", paramLabel = "N", defaultValue = "300",
            description = "SFT steps of the starting policy on worked solutions (default: ${DEFAULT-VALUE}).")
    int coldStartSteps;

    @Option(names = "--pairs", paramLabel = "N,N", split = ",", defaultValue = "100,1000",
            description = "Gold-labelled pairs each proxy trains on; at least two (default: ${DEFAULT-VALUE}).")
    List<Integer> pairs;

    @Option(names = "--samples", paramLabel = "K", defaultValue = "4",
            description = "Samples per prompt, for the pairs and the held-out points (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--rm-steps", paramLabel = "N", defaultValue = "200",
            description = "Steps of each proxy's training (aha.rm sets the rest) (default: ${DEFAULT-VALUE}).")
    int rmSteps;

    @Option(names = "--rm-seconds", paramLabel = "S", defaultValue = "120",
            description = "Most seconds of each proxy's training (default: ${DEFAULT-VALUE}).")
    long rmSeconds;

    @Option(names = "--segments", paramLabel = "N", defaultValue = "5",
            description = "GRPO segments per proxy, a point after each (default: ${DEFAULT-VALUE}).")
    int segments;

    @Option(names = "--segment-minutes", paramLabel = "M", defaultValue = "1",
            description = "GRPO minutes per segment (default: ${DEFAULT-VALUE}).")
    double segmentMinutes;

    @Option(names = "--eval-prompts", paramLabel = "N", defaultValue = "40",
            description = "Held-out prompts of each point (default: ${DEFAULT-VALUE}).")
    int evalPrompts;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    static final String JSON_FILE = "rm-overoptimization.json";
    static final String CHART_FILE = "rm-overoptimization.png";

    @Override
    public Integer call() throws IOException {
        List<Integer> sizes = pairs.stream().distinct().sorted().toList();
        if (sizes.size() < 2 || sizes.get(0) < 2 || coldStartSteps < 1 || samples < 2 || rmSteps < 1 || segments < 1
                || !(segmentMinutes > 0) || evalPrompts < 1) {
            throw new IllegalArgumentException("--pairs needs at least two sizes of at least 2; --samples at least 2; "
                    + "--cold-start-steps, --rm-steps, --segments and --eval-prompts positive; --segment-minutes > 0");
        }
        Config user = config.load();
        Map<String, Object> forced = new HashMap<>(Map.of("aha.train.task", "arithmetic", "aha.train.seed", seed));
        RunConfig base = Configs.load(user, forced);
        Task task = TaskFactory.create("arithmetic", base, null, null);
        Files.createDirectories(out);
        Path start = SftRun.run(base, null, SftData.workedSolutions(task, base), coldStartSteps,
                out.resolve("cold-start"), "cold start").checkpoint();
        RunConfig c = Configs.forCheckpoint(user, forced, start);
        Path allPairs = out.resolve("pairs.jsonl");
        int max = sizes.get(sizes.size() - 1);
        int prompts = GoldPairs.write(c, start, task.trainStream(seed + 5), samples, 2, max, 20 * max, seed,
                allPairs);
        List<TaskPrompt> heldOut = task.heldOut(evalPrompts);
        ObjectNode report = MetricsLog.JSON.createObjectNode();
        report.put("gold", "the arithmetic task's rule reward: accuracy-weight * correct + format-weight * well-formed "
                + "(aha.reward), never shown to a proxy");
        report.put("start", start.toString()).put("cold_start_steps", coldStartSteps);
        report.put("pairs_sampled_from_prompts", prompts).put("samples_per_prompt", samples);
        report.put("held_out_prompts", evalPrompts).put("segment_minutes", segmentMinutes);
        ArrayNode proxies = report.putArray("proxies");
        List<OveroptimizationChart.Curve> curves = new ArrayList<>();
        for (int n : sizes) {
            curves.add(proxy(user, forced, c, start, allPairs, n, heldOut, proxies.addObject()));
        }
        report.set("blas", BlasSection.json());
        Files.writeString(out.resolve(JSON_FILE), MetricsLog.JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(report) + "\n");
        OveroptimizationChart.write(out.resolve(CHART_FILE), curves);
        System.out.println(MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.err.printf("aha bench rm-overoptimization: %s, %s%n", out.resolve(JSON_FILE), out.resolve(CHART_FILE));
        return 0;
    }

    /** One proxy: trained on the first {@code n} pairs, then optimised against, a point after each segment. */
    private OveroptimizationChart.Curve proxy(Config user, Map<String, Object> forced, RunConfig c, Path start,
            Path allPairs, int n, List<TaskPrompt> heldOut, ObjectNode json) throws IOException {
        Path dir = out.resolve("proxy-" + n);
        Files.createDirectories(dir);
        Path data = dir.resolve("pairs.jsonl");
        Files.write(data, Files.readAllLines(allPairs).subList(0, n));
        Path model = dir.resolve("reward-model");
        ObjectNode trained = new RewardModelRun(start, data, model, null, rmSteps, rmSeconds, null, c.rm())
                .run(System.err);
        json.put("pairs", n).put("held_out_pair_accuracy", trained.path("held_out_accuracy").asDouble())
                .put("held_out_pairs", trained.path("held_out_pairs").asInt()).put("rm_steps",
                        trained.path("steps").asInt());
        Map<String, Object> rl = new HashMap<>(forced);
        rl.put("aha.reward.route", "model");
        rl.put("aha.reward.model.path", model.toAbsolutePath().toString());
        rl.put("aha.reward.model.scope", "full");
        rl.put("aha.reward.model.normalize", "none");
        rl.put("aha.train.eval-prompts", 1); // the points are this benchmark's own measurements
        rl.put("aha.train.eval-k", 1);
        RunConfig rlConfig = Configs.forCheckpoint(user, rl, start);
        RewardModelSettings scoring = new RewardModelSettings(RewardRoute.MODEL, model.toString(),
                RewardModelSettings.Scope.FULL, 1.0, RewardModelSettings.Normalize.NONE,
                c.reward().model().contextLength());
        List<ProxyGoldProbe.Point> points = new ArrayList<>();
        ArrayNode rows = json.putArray("points");
        Path rlDir = dir.resolve("grpo");
        try (ModelReward proxy = ModelReward.start(scoring, c.policy().contextLength(), c.devices().rollout())) {
            point(rows, points, 0, 0, ProxyGoldProbe.measure(c, start, start, heldOut, samples, seed, proxy));
            for (int s = 1; s <= segments; s++) {
                ObjectNode summary = new TrainingSession(rlConfig, new TrainingSession.Options(rlDir, segmentMinutes,
                        s == 1 ? null : rlDir, s == 1 ? start : null, null, null)).run();
                Path checkpoint = new CheckpointStore(rlDir.resolve("checkpoints"), 1).latest().orElseThrow();
                point(rows, points, s, summary.path("steps").asLong(),
                        ProxyGoldProbe.measure(c, checkpoint, start, heldOut, samples, seed, proxy));
            }
        }
        return new OveroptimizationChart.Curve(n, points);
    }

    private static void point(ArrayNode rows, List<ProxyGoldProbe.Point> points, int segment, long steps,
            ProxyGoldProbe.Point p) {
        points.add(p);
        rows.addObject().put("segment", segment).put("learner_steps", steps).put("kl", p.kl())
                .put("sqrt_kl", p.sqrtKl()).put("gold", p.gold()).put("proxy", p.proxy()).put("samples", p.samples());
        System.err.printf("aha bench rm-overoptimization: segment %d (%,d learner steps): sqrt(KL) %.3f, gold %.3f, "
                + "proxy %.3f%n", segment, steps, p.sqrtKl(), p.gold(), p.proxy());
    }
}
