package dev.aha.app.bench;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Gao, Schulman and Hilton's figure for one run: the gold reward (left) and the proxy reward (right) on held-out
 * prompts against sqrt(KL) from the starting policy, one line per proxy (trained on N pairs).
 */
final class OveroptimizationChart {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 440;

    /** One proxy's curve: its points in training order. */
    record Curve(int pairs, List<ProxyGoldProbe.Point> points) {}

    private OveroptimizationChart() {}

    static void write(Path file, List<Curve> curves) throws IOException {
        XYChart gold = chart("gold reward (the rule)");
        XYChart proxy = chart("proxy reward (the model)");
        for (Curve c : curves) {
            double[] x = c.points().stream().mapToDouble(ProxyGoldProbe.Point::sqrtKl).toArray();
            String name = "proxy on " + c.pairs() + " pairs";
            gold.addSeries(name, x, c.points().stream().mapToDouble(ProxyGoldProbe.Point::gold).toArray())
                    .setMarker(SeriesMarkers.CIRCLE);
            proxy.addSeries(name, x, c.points().stream().mapToDouble(ProxyGoldProbe.Point::proxy).toArray())
                    .setMarker(SeriesMarkers.CIRCLE);
        }
        BufferedImage both = new BufferedImage(WIDTH * 2, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.drawImage(BitmapEncoder.getBufferedImage(gold), 0, 0, null);
        g.drawImage(BitmapEncoder.getBufferedImage(proxy), WIDTH, 0, null);
        g.dispose();
        ImageIO.write(both, "png", file.toFile());
    }

    private static XYChart chart(String what) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(what + " on held-out prompts")
                .xAxisTitle("sqrt(KL) from the starting policy (nats^0.5)").yAxisTitle("mean reward").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setXAxisMin(0.0);
        return c;
    }
}
