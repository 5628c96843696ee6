package dev.aha.runtime.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Held-out pass@1 against time for several runs on one chart, one series per run, named by its key. */
public final class CurvesChart {

    private CurvesChart() {}

    /**
     * @param curves name to points whose {@code runSeconds} are the x axis (seconds since the run's RL started)
     * @return {@code png}
     */
    public static Path write(Path png, String title, Map<String, List<EvalPoint>> curves) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title)
                .xAxisTitle("minutes of RL").yAxisTitle("held-out pass@1").build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        curves.forEach((name, points) -> {
            if (!points.isEmpty()) {
                chart.addSeries(name, points.stream().mapToDouble(p -> p.runSeconds() / 60).toArray(),
                        points.stream().mapToDouble(EvalPoint::pass1).toArray()).setMarker(SeriesMarkers.CIRCLE);
            }
        });
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }
}
