package dev.skeleton.builder;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * A PNG chart of a keep-ratio sweep: the dev metric (left axis, blue) and the speed-up (right axis, red)
 * against the share of FFN neurons kept, with the prompt on the full model and an optional baseline as
 * dashed reference lines. Plain Java2D, so no plotting dependency.
 */
public final class SweepPlot {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 480;
    private static final int LEFT = 70;
    private static final int RIGHT = 70;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private SweepPlot() {}

    /**
     * @param fullMetric     metric of the prompt on the full model (dashed blue line)
     * @param baselineMetric metric of a reference (e.g. a linear probe; dashed grey line), or NaN for none
     */
    public static void write(Path png, String title, String metricName, List<SweepPoint> points, double fullMetric,
            double baselineMetric) {
        List<SweepPoint> sorted = points.stream().sorted(Comparator.comparingDouble(SweepPoint::keep)).toList();
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

        double metricLow = Math.floor(min(sorted, SweepPoint::metric, fullMetric, baselineMetric) * 20) / 20;
        double metricHigh = Math.ceil(Math.max(max(sorted, SweepPoint::metric), fullMetric) * 20) / 20;
        double speedHigh = Math.ceil(max(sorted, SweepPoint::speedup) * 2) / 2;

        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotWidth(), plotHeight());
        g.drawString(title, LEFT, TOP - 20);
        g.drawString("share of FFN neurons kept", LEFT + plotWidth() / 2 - 70, HEIGHT - 20);
        for (int i = 0; i <= 10; i++) {
            double keep = i / 10.0;
            int x = x(keep);
            g.drawLine(x, TOP + plotHeight(), x, TOP + plotHeight() + 4);
            g.drawString(String.format(Locale.ROOT, "%.1f", keep), x - 9, TOP + plotHeight() + 18);
        }
        for (int i = 0; i <= 5; i++) {
            double fraction = i / 5.0;
            int y = TOP + plotHeight() - (int) (fraction * plotHeight());
            g.setColor(new Color(0, 70, 200));
            g.drawString(String.format(Locale.ROOT, "%.1f", 100 * (metricLow + fraction * (metricHigh - metricLow))), 28, y + 4);
            g.setColor(new Color(200, 30, 30));
            g.drawString(String.format(Locale.ROOT, "%.2fx", 1 + fraction * (speedHigh - 1)), LEFT + plotWidth() + 8, y + 4);
        }
        g.setColor(new Color(0, 70, 200));
        g.drawString("dev " + metricName + " (%)", 8, TOP - 6);
        g.setColor(new Color(200, 30, 30));
        g.drawString("speed-up", LEFT + plotWidth() + 8, TOP - 6);

        BasicStroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0);
        g.setStroke(dashed);
        g.setColor(new Color(0, 70, 200));
        int yFull = yScaled(fullMetric, metricLow, metricHigh);
        g.drawLine(LEFT, yFull, LEFT + plotWidth(), yFull);
        g.drawString("prompt, full model", LEFT + 6, yFull - 4);
        if (!Double.isNaN(baselineMetric)) {
            g.setColor(Color.GRAY);
            int yBase = yScaled(baselineMetric, metricLow, metricHigh);
            g.drawLine(LEFT, yBase, LEFT + plotWidth(), yBase);
            g.drawString("linear probe", LEFT + 6, yBase - 4);
        }
        g.setStroke(new BasicStroke(2f));
        series(g, sorted, new Color(0, 70, 200), p -> yScaled(p.metric(), metricLow, metricHigh));
        series(g, sorted, new Color(200, 30, 30), p -> yScaled(p.speedup(), 1, speedHigh));
        g.dispose();
        try {
            java.nio.file.Files.createDirectories(png.toAbsolutePath().getParent());
            dev.skeleton.engine.skeleton.AtomicFiles.write(png, tmp -> ImageIO.write(image, "png", tmp.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }

    private static void series(Graphics2D g, List<SweepPoint> points, Color color, ToDoubleFunction<SweepPoint> y) {
        g.setColor(color);
        for (int i = 0; i < points.size(); i++) {
            int px = x(points.get(i).keep());
            int py = (int) y.applyAsDouble(points.get(i));
            g.fillOval(px - 4, py - 4, 8, 8);
            if (i > 0) {
                g.drawLine(x(points.get(i - 1).keep()), (int) y.applyAsDouble(points.get(i - 1)), px, py);
            }
        }
    }

    private static int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private static int plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    private static int x(double keep) {
        return LEFT + (int) (keep * plotWidth());
    }

    private static int yScaled(double value, double low, double high) {
        double fraction = high > low ? (value - low) / (high - low) : 0.5;
        return TOP + plotHeight() - (int) (fraction * plotHeight());
    }

    private static double min(List<SweepPoint> points, ToDoubleFunction<SweepPoint> f, double... more) {
        double m = points.stream().mapToDouble(f).min().orElse(1);
        for (double v : more) {
            if (!Double.isNaN(v)) {
                m = Math.min(m, v);
            }
        }
        return m;
    }

    private static double max(List<SweepPoint> points, ToDoubleFunction<SweepPoint> f) {
        return points.stream().mapToDouble(f).max().orElse(1);
    }
}
