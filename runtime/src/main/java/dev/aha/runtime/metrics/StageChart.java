package dev.aha.runtime.metrics;

import dev.aha.runtime.eval.EvalResult;
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
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG of a staged pipeline ({@code aha pipeline}): held-out pass@1, cons@k and format rate after each stage on
 * the left, mean completion length on the right, the stages in order along the bottom.
 */
public final class StageChart {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 440;

    private StageChart() {}

    /**
     * @param stages the stages' labels, in order
     * @param figures each stage's held-out figures (null: none; left out)
     */
    public static Path write(Path file, String title, List<String> stages, List<EvalResult> figures) {
        if (stages.size() != figures.size()) {
            throw new IllegalArgumentException(stages.size() + " stages but " + figures.size() + " sets of figures");
        }
        List<String> labels = new ArrayList<>();
        List<EvalResult> measured = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            if (figures.get(i) != null) {
                labels.add(stages.get(i));
                measured.add(figures.get(i));
            }
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("no stage has figures to draw");
        }
        int k = measured.get(0).k();
        CategoryChart rates = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title + ": held-out figures after each stage").xAxisTitle("stage").yAxisTitle("share").build();
        rates.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        rates.getStyler().setYAxisMin(0.0);
        rates.getStyler().setYAxisMax(1.0);
        rates.getStyler().setXAxisLabelRotation(30);
        rates.getStyler().setOverlapped(true); // one point per stage, not side by side as bars would be
        rates.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        rates.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        series(rates, "pass@1", labels, measured, EvalResult::pass1);
        series(rates, "cons@" + k, labels, measured, EvalResult::consK);
        series(rates, "format rate", labels, measured, EvalResult::formatRate);
        CategoryChart length = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title + ": mean completion length").xAxisTitle("stage").yAxisTitle("tokens").build();
        length.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
        length.getStyler().setLegendVisible(false);
        length.getStyler().setYAxisMin(0.0);
        length.getStyler().setXAxisLabelRotation(30);
        series(length, "tokens", labels, measured, EvalResult::meanCompletionTokens);
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            BufferedImage both = new BufferedImage(WIDTH * 2, HEIGHT, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = both.createGraphics();
            g.drawImage(BitmapEncoder.getBufferedImage(rates), 0, 0, null);
            g.drawImage(BitmapEncoder.getBufferedImage(length), WIDTH, 0, null);
            g.dispose();
            Path staging = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp");
            try {
                ImageIO.write(both, "png", staging.toFile());
                Files.move(staging, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(staging);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart " + file, e);
        }
    }

    private static void series(CategoryChart chart, String name, List<String> labels, List<EvalResult> figures,
            ToDoubleFunction<EvalResult> value) {
        List<Double> y = new ArrayList<>();
        for (EvalResult r : figures) {
            y.add(value.applyAsDouble(r));
        }
        chart.addSeries(name, labels, y).setMarker(SeriesMarkers.CIRCLE);
    }
}
