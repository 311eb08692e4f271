package dev.rehearsal.cli;

import dev.rehearsal.strategy.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on the console: bars with rate and ETA (the progressbar library) on a terminal, plain log lines
 * otherwise (CI, files), nothing with --quiet.
 */
final class Progresses {
    private Progresses() {
    }

    static Progress forConsole(PrintStream err, boolean quiet) {
        if (quiet) {
            return Progress.NONE;
        }
        return System.console() != null ? new Bars(err) : new ConsoleProgress(err, false);
    }

    /** A bar per unit of work; finished units stay as one line each. */
    static final class Bars implements Progress {
        private final PrintStream err;
        private ProgressBar bar;
        private long lastMessage;

        Bars(PrintStream err) {
            this.err = err;
        }

        @Override
        public void begin(String label, long total) {
            end();
            bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250).showSpeed().setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
                    .setUnit(" steps", 1).setConsumer(new ConsoleProgressBarConsumer(err))
                    .setMaxRenderedLength(110).continuousUpdate().build();
        }

        @Override
        public void advance(long done, long epoch, double loss) {
            if (bar != null) {
                bar.stepTo(done);
                // Formatting costs an allocation: only a few times a second, when the bar is redrawn anyway.
                long now = System.nanoTime();
                if (now - lastMessage > 200_000_000L) {
                    bar.setExtraMessage(String.format(java.util.Locale.ROOT, "epoch %d loss %.4g", epoch, loss));
                    lastMessage = now;
                }
            }
        }

        @Override
        public void end() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }

        @Override
        public void log(String line) {
            end();
            err.println(line);
        }
    }
}
