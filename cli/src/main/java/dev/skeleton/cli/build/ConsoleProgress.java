package dev.skeleton.cli.build;

import dev.skeleton.builder.train.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar on stderr: phase, bar, step count, loss, elapsed and ETA; one line per finished epoch with
 * its mean loss and validation metric.
 */
final class ConsoleProgress implements TrainingListener {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private long phaseStart;
    private String phase = "";

    ConsoleProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void step(String phaseName, int step, int totalSteps, double loss) {
        if (!phaseName.equals(phase) || step == 1) {
            phase = phaseName;
            phaseStart = System.nanoTime();
        }
        double elapsed = (System.nanoTime() - phaseStart) / 1e9;
        double eta = elapsed / step * (totalSteps - step);
        int filled = (int) ((long) WIDTH * step / totalSteps);
        err.printf(Locale.ROOT, "\r%-7s [%s%s] %d/%d loss %.4f  %s elapsed, ETA %s   ", phaseName,
                "=".repeat(filled), " ".repeat(WIDTH - filled), step, totalSteps, loss, clock(elapsed), clock(eta));
        err.flush();
    }

    @Override
    public void epoch(String phaseName, int epoch, int epochs, double meanLoss, double devMetric, double devLoss) {
        String metric = (Double.isNaN(devMetric) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * devMetric))
                + (Double.isNaN(devLoss) ? "" : String.format(Locale.ROOT, " (loss %.4f)", devLoss));
        if (epoch == 0) {
            // a measurement before any training (a warm start's validation metric)
            err.printf(Locale.ROOT, "%s: validation %s%n", phaseName, metric);
        } else {
            err.printf(Locale.ROOT, "%n%s epoch %d/%d: mean loss %.4f, validation %s%n", phaseName, epoch, epochs,
                    meanLoss, metric);
        }
        err.flush();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
