package dev.rehearsal.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The ticks of an axis: the densest set of round values whose labels, measured with the axis's font, keep at
 * least a gap between neighbours over the axis's length in pixels. Linear axes step by 1, 2 or 5 times a power
 * of ten; logarithmic axes take 1..9 times each power of ten, then fewer of them (1-2-3-4-5-6-8, 1-2-3-5-7, 1-2-5,
 * 1-3), then each decade, then every second, fourth, ..
 * decade, and fall back to linear steps when the range holds fewer than two of those (less than a factor of
 * about 2). Labels of one axis share their number of decimals.
 */
final class Ticks {
    private Ticks() {
    }

    /** A tick: the value it marks and the label written there. */
    record Tick(double value, String label) {
    }

    /** An axis's range in data units, and whether it is logarithmic (then {@code lo > 0}). */
    record Scale(double lo, double hi, boolean log) {
        Scale {
            if (!(hi > lo) || log && !(lo > 0)) {
                throw new IllegalArgumentException("an axis needs lo < hi (and lo > 0 when logarithmic), got ["
                        + lo + ", " + hi + "]" + (log ? " on a log axis" : ""));
            }
        }

        /** Where {@code v} falls, from 0 (lo) to 1 (hi). */
        double fraction(double v) {
            return log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
        }
    }

    /**
     * Ticks of {@code scale} over {@code pixels}, labels measured along the axis by {@code extent} (their width
     * on a horizontal axis, their height on a vertical one), at least {@code gap} pixels apart and their ticks at
     * least {@code spacing} pixels apart (fewer, roomier ticks read faster); {@code integers}: only whole numbers
     * (counts of tasks). Never empty: a range too short for two labels gets one, at its middle.
     */
    static List<Tick> of(Scale scale, double pixels, ToDoubleFunction<String> extent, double gap, double spacing,
            boolean integers) {
        if (scale.log()) {
            for (int[] mantissas : LOG_SETS) {
                int sparsest = mantissas.length == 1 ? 16 : 1; // decades alone may skip decades: 1, 100, 10^4
                for (int everyDecades = 1; everyDecades <= sparsest; everyDecades *= 2) {
                    List<Tick> ticks = logTicks(scale, mantissas, everyDecades);
                    if (ticks.size() < 2) {
                        break;
                    }
                    if (fits(ticks, scale, pixels, extent, gap, spacing)) {
                        return ticks;
                    }
                }
            }
        }
        double span = scale.hi() - scale.lo();
        for (int e = (int) Math.floor(Math.log10(span)) - 3; e <= Math.floor(Math.log10(span)) + 1; e++) {
            for (int m : new int[] {1, 2, 5}) {
                double step = m * Math.pow(10, e);
                if (integers && e < 0 || !scale.log() && step / span * pixels < Math.max(spacing, 1)) {
                    continue; // fractions of a count, or ticks closer than the spacing: no need to measure
                }
                List<Tick> ticks = linearTicks(scale, m, e);
                if (ticks.size() >= 2 && fits(ticks, scale, pixels, extent, gap, spacing)) {
                    return ticks;
                }
            }
        }
        double middle = scale.log() ? Math.sqrt(scale.lo() * scale.hi()) : (scale.lo() + scale.hi()) / 2;
        return List.of(new Tick(middle, plain(BigDecimal.valueOf(middle).round(new java.math.MathContext(3)))));
    }

    /** Mantissas of the log-axis candidates, densest first. */
    private static final int[][] LOG_SETS = {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 5, 6, 8}, {1, 2, 3, 5, 7},
        {1, 2, 5}, {1, 3}, {1}};

    /** Whether neighbouring labels, centred on their ticks, are at least {@code gap} apart, their ticks {@code spacing}. */
    static boolean fits(List<Tick> ticks, Scale scale, double pixels, ToDoubleFunction<String> extent, double gap,
            double spacing) {
        for (int i = 1; i < ticks.size(); i++) {
            double distance = (scale.fraction(ticks.get(i).value()) - scale.fraction(ticks.get(i - 1).value())) * pixels;
            double needed = (extent.applyAsDouble(ticks.get(i).label()) + extent.applyAsDouble(ticks.get(i - 1).label()))
                    / 2 + gap;
            if (distance < Math.max(needed, spacing)) {
                return false;
            }
        }
        return true;
    }

    private static List<Tick> linearTicks(Scale scale, int m, int e) {
        BigDecimal step = BigDecimal.valueOf(m).scaleByPowerOfTen(e);
        double s = step.doubleValue();
        long first = (long) Math.ceil(scale.lo() / s - 1e-9);
        long last = (long) Math.floor(scale.hi() / s + 1e-9);
        if (last - first > 1000) {
            return List.of(); // far too dense to be the answer
        }
        int decimals = Math.max(0, step.stripTrailingZeros().scale());
        boolean group = Math.max(Math.abs(first * s), Math.abs(last * s)) >= 10_000;
        List<Tick> ticks = new ArrayList<>();
        for (long k = first; k <= last; k++) {
            BigDecimal v = step.multiply(BigDecimal.valueOf(k));
            String label = String.format(Locale.ROOT, group ? "%,." + decimals + "f" : "%." + decimals + "f",
                    v.signum() == 0 ? 0.0 : v.doubleValue()); // never "-0.0"
            ticks.add(new Tick(v.doubleValue(), label));
        }
        return ticks;
    }

    private static List<Tick> logTicks(Scale scale, int[] mantissas, int everyDecades) {
        int from = (int) Math.floor(Math.log10(scale.lo())) - 1;
        int to = (int) Math.ceil(Math.log10(scale.hi())) + 1;
        List<Tick> ticks = new ArrayList<>();
        for (int e = from; e <= to; e++) {
            if (Math.floorMod(e, everyDecades) != 0) {
                continue;
            }
            for (int m : mantissas) {
                BigDecimal v = BigDecimal.valueOf(m).scaleByPowerOfTen(e);
                double d = v.doubleValue();
                if (d >= scale.lo() * (1 - 1e-9) && d <= scale.hi() * (1 + 1e-9)) {
                    ticks.add(new Tick(d, logLabel(v)));
                }
            }
        }
        return ticks;
    }

    /** 0.001 to 1,000,000 written out (0.05, 20, 5,000), beyond that as 2e7 or 5e-4. */
    static String logLabel(BigDecimal v) {
        double d = v.doubleValue();
        if (d >= 1e-3 && d < 1e7) {
            return d >= 10_000 ? String.format(Locale.ROOT, "%,d", v.longValue()) : plain(v);
        }
        BigDecimal s = v.stripTrailingZeros();
        int exponent = s.precision() - s.scale() - 1;
        return plain(s.scaleByPowerOfTen(-exponent)) + "e" + exponent;
    }

    private static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }

    /** The minor grid of a log axis: every 1..9 times a power of ten inside the range. */
    static List<Double> logGrid(Scale scale) {
        return logTicks(scale, LOG_SETS[0], 1).stream().map(Tick::value).toList();
    }
}
