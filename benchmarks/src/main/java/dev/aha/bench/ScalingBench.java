package dev.aha.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha bench scaling}: throughput against the number of rollouts, on simulated devices (modelled wall time,
 * not CPU), so that up to 64 rollouts fit on a small machine while the actors, dispatcher, credits, rewards and the
 * weight plane all run for real. Each point is its own run; the batch grows with the rollouts (weak scaling:
 * {@code batch-groups-per-rollout} groups per rollout per step), as a real deployment sizes its batch to its
 * inference fleet, and the in-flight window with it.
 */
@Command(name = "scaling", mixinStandardHelpOptions = true,
        description = {"SIMULATED devices: groups/s for 1..N rollouts.",
            "Groups per second and scaling efficiency for 1..N rollouts on simulated devices; JSON and a PNG chart."})
public final class ScalingBench implements Callable<Integer> {

    @Option(names = "--rollouts", defaultValue = "1,2,4,8,16,32,64", split = ",",
            description = "Rollout counts to measure (default ${DEFAULT-VALUE}).")
    List<Integer> rollouts;

    @Option(names = "--seconds", defaultValue = "30", description = "Run length per point (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "8", description = "Seconds not measured per point (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--batch-groups-per-rollout", defaultValue = "2",
            description = "Groups per learner step per rollout (default ${DEFAULT-VALUE}).")
    int batchPerRollout;

    @Option(names = "--train-us-per-token", defaultValue = "1",
            description = "Modelled learner time per token (default ${DEFAULT-VALUE} us: a learner sized for its "
                    + "fleet, so rollouts are what is scaled).")
    double trainMicros;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--out", defaultValue = "runs/bench/scaling", description = "Folder for runs, JSON and chart.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (rollouts.isEmpty() || rollouts.stream().anyMatch(n -> n < 1) || !(seconds > warmup)) {
            throw new IllegalArgumentException("--rollouts must be positive counts and --seconds exceed --warmup");
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode j = json.createObjectNode();
        j.put("note", "SIMULATED devices: decoding and training spend modelled wall time (aha.simulation), not CPU; "
                + "actors, dispatcher, credits, rewards and the weight plane are real");
        ArrayNode points = j.putArray("points");
        List<double[]> measured = new ArrayList<>();
        double base = Double.NaN;
        RunConfig last = null;
        for (int n : rollouts) {
            Map<String, Object> o = new HashMap<>();
            o.put("aha.backend", "simulated");
            o.put("aha.simulation.train-per-token", Math.round(trainMicros * 1000) + "ns");
            o.put("aha.train.rollouts", n);
            o.put("aha.train.batch-groups", batchPerRollout * n);
            o.put("aha.train.max-in-flight-groups", Math.max(batchPerRollout * n, 3 * n));
            o.put("aha.train.reward-actors", 2);
            o.put("aha.train.checkpoint-every", 0);
            o.put("aha.train.progress-every", 10);
            RunConfig c = PipelineBench.config(config, o);
            last = c;
            PipelineBench.log("scaling: " + n + " rollout(s) for " + seconds + " s");
            PipelineBench.Result r = PipelineBench.run(c, seconds, warmup, out.resolve("rollouts-" + n));
            if (Double.isNaN(base)) {
                base = r.groupsPerSecond() / n;
            }
            double efficiency = r.groupsPerSecond() / (n * base);
            measured.add(new double[] {n, r.groupsPerSecond()});
            ObjectNode p = points.addObject();
            p.put("rollouts", n);
            p.put("groups_per_second", PipelineBench.round(r.groupsPerSecond()));
            p.put("scaling_efficiency", PipelineBench.round(efficiency));
            p.put("batch_groups", c.train().batchGroups());
            p.put("steps_measured", r.stepsMeasured());
            p.put("learner_busy_fraction", PipelineBench.round(r.summary().get("mean_learner_busy_fraction").asDouble()));
            p.put("prompts_dropped_stale", r.summary().get("prompts_dropped_stale").asLong());
            p.set("weight_sync_ms", r.summary().get("weight_sync_ms"));
            PipelineBench.log(String.format("scaling: %d rollout(s): %.2f groups/s, efficiency %.3f", n,
                    r.groupsPerSecond(), efficiency));
        }
        j.put("baseline", "throughput(1) is the first point's groups/s per rollout: " + PipelineBench.round(base));
        ObjectNode sim = j.putObject("simulation");
        sim.put("decode_ms_per_token", last.simulation().decodePerToken().toNanos() / 1e6);
        sim.put("train_us_per_token", last.simulation().trainPerToken().toNanos() / 1e3);
        sim.put("median_length", last.simulation().medianLength());
        sim.put("length_sigma", last.simulation().lengthSigma());
        sim.put("weight_bytes", last.simulation().weightBytes());
        j.put("seconds_per_point", seconds);
        j.put("cores", Runtime.getRuntime().availableProcessors());
        Path chart = chart(measured, base, out);
        j.put("chart", chart.toString());
        j.set("blas", BlasSection.json());
        String text = json.writerWithDefaultPrettyPrinter().writeValueAsString(j);
        Files.writeString(out.resolve("scaling.json"), text);
        System.out.println(text);
        return 0;
    }

    private static Path chart(List<double[]> points, double base, Path out) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("aha bench scaling (SIMULATED devices)").xAxisTitle("rollouts").yAxisTitle("groups/s").build();
        double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
        double[] ideal = points.stream().mapToDouble(p -> p[0] * base).toArray();
        chart.addSeries("ideal: n x throughput(1)", x, ideal).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.addSeries("measured", x, y).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        Files.createDirectories(out);
        Path png = out.resolve("scaling.png");
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        return png;
    }
}
