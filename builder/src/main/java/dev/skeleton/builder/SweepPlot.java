package dev.skeleton.builder;

import dev.skeleton.builder.search.CandidateResult;
import dev.skeleton.engine.skeleton.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A PNG chart of a build's candidate search: metric against measured speed-up for every candidate that was
 * re-tuned (validation filled blue, dev hollow orange, the shipped one ringed), the speed of the untried ones as
 * grey ticks on the axis, and dashed lines for the prompt on the full model, the accuracy budget and an optional
 * baseline. Plain Java2D, so no plotting dependency.
 */
public final class SweepPlot {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 480;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color VALIDATION = new Color(0, 70, 200);
    private static final Color DEV = new Color(230, 120, 0);

    private SweepPlot() {}

    /**
     * @param prompt   the prompt on the full model's validation metric (dashed blue line)
     * @param budget   the lowest validation metric within the budget (dashed red line)
     * @param baseline a reference's validation metric (e.g. a linear probe; dashed grey line), or NaN for none
     */
    public static void write(Path png, String title, String metricName, List<CandidateResult> candidates,
            double prompt, double budget, double baseline) {
        List<CandidateResult> tried = candidates.stream().filter(c -> c.status().tried()).toList();
        List<Double> values = new ArrayList<>(List.of(prompt, budget));
        tried.forEach(c -> {
            values.add(c.validation());
            values.add(c.dev());
        });
        if (!Double.isNaN(baseline)) {
            values.add(baseline);
        }
        double low = Math.floor(values.stream().mapToDouble(Double::doubleValue).min().orElse(0) * 20) / 20;
        double high = Math.ceil(values.stream().mapToDouble(Double::doubleValue).max().orElse(1) * 20) / 20;
        double speedHigh = Math.ceil(candidates.stream().mapToDouble(c -> c.speed().max()).max().orElse(2) * 2) / 2;
        Axes axes = new Axes(1, Math.max(1.5, speedHigh), low, high);

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotWidth(), plotHeight());
        g.drawString(title, LEFT, TOP - 20);
        g.drawString("speed-up over the prompt on the full model (batch 32, median)", LEFT + plotWidth() / 2 - 170,
                HEIGHT - 20);
        g.drawString(metricName + " (%)", 8, TOP - 6);
        for (int i = 0; i <= 5; i++) {
            double speed = axes.speedLow + i * (axes.speedHigh - axes.speedLow) / 5;
            int x = axes.x(speed);
            g.drawLine(x, TOP + plotHeight(), x, TOP + plotHeight() + 4);
            g.drawString(String.format(Locale.ROOT, "%.2fx", speed), x - 14, TOP + plotHeight() + 18);
            double metric = low + i * (high - low) / 5;
            int y = axes.y(metric);
            g.drawString(String.format(Locale.ROOT, "%.1f", 100 * metric), 28, y + 4);
        }

        BasicStroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                new float[] {6, 4}, 0);
        g.setStroke(dashed);
        reference(g, axes, prompt, VALIDATION, "prompt, full model (validation)");
        reference(g, axes, budget, new Color(200, 30, 30), "budget");
        if (!Double.isNaN(baseline)) {
            reference(g, axes, baseline, Color.GRAY, "linear probe (validation)");
        }
        g.setStroke(new BasicStroke(2f));
        g.setColor(Color.GRAY);
        for (CandidateResult c : candidates) {
            if (!c.status().tried()) {
                int x = axes.x(c.speed().median());
                g.drawLine(x, TOP + plotHeight() - 8, x, TOP + plotHeight());
            }
        }
        for (CandidateResult c : tried) {
            int x = axes.x(c.speed().median());
            g.setColor(Color.LIGHT_GRAY);
            g.drawLine(axes.x(c.speed().min()), axes.y(c.validation()), axes.x(c.speed().max()),
                    axes.y(c.validation()));
            g.setColor(VALIDATION);
            g.fillOval(x - 4, axes.y(c.validation()) - 4, 8, 8);
            g.setColor(DEV);
            g.drawOval(x - 4, axes.y(c.dev()) - 4, 8, 8);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.1f/%.2f", c.candidate().ffnKeep(), c.candidate().headKeep()),
                    x + 6, axes.y(c.validation()) - 6);
            if (c.status() == CandidateResult.Status.CHOSEN) {
                g.setColor(Color.BLACK);
                g.drawOval(x - 9, axes.y(c.validation()) - 9, 18, 18);
            }
        }
        g.setColor(VALIDATION);
        g.fillOval(LEFT + 10, TOP + 10, 8, 8);
        g.drawString("validation (chose)", LEFT + 24, TOP + 19);
        g.setColor(DEV);
        g.drawOval(LEFT + 10, TOP + 26, 8, 8);
        g.drawString("dev (reported)", LEFT + 24, TOP + 35);
        g.setColor(Color.DARK_GRAY);
        g.drawString("labels: FFN keep/head keep; ring: shipped; grey ticks: not re-tuned", LEFT + 10, TOP + 51);
        g.dispose();
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            AtomicFiles.write(png, tmp -> ImageIO.write(image, "png", tmp.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }

    private static void reference(Graphics2D g, Axes axes, double value, Color color, String label) {
        g.setColor(color);
        int y = axes.y(value);
        g.drawLine(LEFT, y, LEFT + plotWidth(), y);
        g.drawString(label, LEFT + plotWidth() - 200, y - 4);
    }

    private static int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private static int plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    private record Axes(double speedLow, double speedHigh, double low, double high) {

        int x(double speed) {
            return LEFT + (int) ((speed - speedLow) / (speedHigh - speedLow) * plotWidth());
        }

        int y(double value) {
            double fraction = high > low ? (value - low) / (high - low) : 0.5;
            return TOP + plotHeight() - (int) (fraction * plotHeight());
        }
    }
}
