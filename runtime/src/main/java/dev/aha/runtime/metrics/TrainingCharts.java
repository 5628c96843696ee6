package dev.aha.runtime.metrics;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of the training curves against learner step: reward, accuracy, KL and response length, one file
 * each, and {@code training.png} with the four side by side (what README shows). Held-out pass@1 evaluations,
 * when given, are drawn as points on the accuracy chart and as the curve of {@code pass1_vs_time.png}: pass@1
 * against the run's clock, the time-to-accuracy view.
 */
public final class TrainingCharts {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;

    private TrainingCharts() {}

    /** Writes the charts into {@code dir}; returns the files written. */
    public static List<Path> write(Path dir, String title, List<StepMetrics> steps, List<EvalPoint> evals) {
        if (steps.isEmpty()) {
            return List.of();
        }
        try {
            Files.createDirectories(dir);
            List<XYChart> charts = List.of(
                    chart(title + ": reward", "reward", steps, StepMetrics::rewardMean),
                    withEvals(chart(title + ": accuracy", "batch accuracy", steps, StepMetrics::accuracy), evals),
                    chart(title + ": KL to reference (k3)", "KL", steps, StepMetrics::kl),
                    chart(title + ": response length", "tokens", steps, StepMetrics::responseLength));
            String[] names = {"reward.png", "accuracy.png", "kl.png", "response_length.png"};
            List<Path> written = new ArrayList<>();
            BufferedImage grid = new BufferedImage(WIDTH * 2, HEIGHT * 2, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = grid.createGraphics();
            for (int i = 0; i < charts.size(); i++) {
                Path file = dir.resolve(names[i]);
                BitmapEncoder.saveBitmap(charts.get(i), file.toString(), BitmapEncoder.BitmapFormat.PNG);
                written.add(file);
                g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % 2) * WIDTH, (i / 2) * HEIGHT, null);
            }
            g.dispose();
            Path all = dir.resolve("training.png");
            ImageIO.write(grid, "png", all.toFile());
            written.add(all);
            if (evals != null && !evals.isEmpty()) {
                Path overTime = dir.resolve("pass1_vs_time.png");
                BitmapEncoder.saveBitmap(overTime(title, evals), overTime.toString(), BitmapEncoder.BitmapFormat.PNG);
                written.add(overTime);
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write charts into " + dir, e);
        }
    }

    private static XYChart chart(String title, String yLabel, List<StepMetrics> steps, ToDoubleFunction<StepMetrics> y) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("learner step")
                .yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(true);
        double[] x = new double[steps.size()];
        double[] values = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            x[i] = steps.get(i).step();
            values[i] = y.applyAsDouble(steps.get(i));
        }
        XYSeries series = chart.addSeries(yLabel, x, values);
        series.setMarker(SeriesMarkers.NONE);
        return chart;
    }

    private static XYChart overTime(String title, List<EvalPoint> evals) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title + ": held-out pass@1 over time")
                .xAxisTitle("minutes since the run started (cold start included)").yAxisTitle("held-out pass@1")
                .build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        double[] x = evals.stream().mapToDouble(e -> e.runSeconds() / 60).toArray();
        double[] y = evals.stream().mapToDouble(EvalPoint::pass1).toArray();
        chart.addSeries("held-out pass@1", x, y).setMarker(SeriesMarkers.CIRCLE);
        return chart;
    }

    private static XYChart withEvals(XYChart chart, List<EvalPoint> evals) {
        if (evals == null || evals.isEmpty()) {
            return chart;
        }
        double[] x = evals.stream().mapToDouble(EvalPoint::step).toArray();
        double[] y = evals.stream().mapToDouble(EvalPoint::pass1).toArray();
        XYSeries s = chart.addSeries("held-out pass@1", x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        return chart;
    }
}
