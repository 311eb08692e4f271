package dev.rehearsal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.metrics.Completion;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of figure the report draws ({@link Figures.Kind}: the switch below does not compile when a kind
 * has no case), drawn at its real size from data shaped like a large sweep's: a dozen strategies with the long
 * names sweeps give their points (one of 80 characters without a space), 5, 10 and 20 tasks, loss curves with
 * windows of one step and of fifty, confusion matrices of 10 and 100 classes, scaling over two decades of
 * tasks, and the frontier with its published points, over two decades of memory and within one of compute,
 * its front in compute a single point.
 * Each must pass {@link Legibility}: no label cut by the edge or overlapping another, tick labels apart,
 * legend entries that can be told apart and name something drawn, and no "1 steps".
 */
class FigureLegibilityTest {
    /** Names as a sweep writes its points: strategy, then the options the point sets. */
    static final List<String> NAMES = List.of("er replay-budget=64000", "er replay-budget=1000000 storage=binary",
            "proto replay-budget=64000 storage=binary proto-rank=4 proto-shift=1 proto-rotate=10.0",
            "derpp replay-budget=4000000 storage=binary derpp-alpha=0.3 derpp-beta=0.5",
            "icarl replay-budget=1000000 storage=binary", "gr replay-budget=1000000 vae-iterations=2000",
            "cgr vae-iterations=2000 replay-targets=soft generation=pool pool-size=60000",
            "bir replay-budget=4000000 storage=binary", "lwf temperature=2.0", "ewc ewc-lambda=1000000 fisher-labels=all",
            "naive", "proto_replay-budget=1000000_storage=binary_proto-rank=16_proto-shift=2_proto-rotate=20.0");

    @Test
    void everyKindOfFigureIsReadableWithManyLongNames(@TempDir Path dir) throws Exception {
        List<String> problems = new ArrayList<>();
        int drawn = 0;
        for (Figures.Kind kind : Figures.Kind.values()) {
            List<Figures.Figure> figures = draw(kind, dir);
            assertFalse(figures.isEmpty(), kind + " drawn");
            for (Figures.Figure f : figures) {
                assertEquals(kind, f.kind(), f.file());
                BufferedImage png = ImageIO.read(new ByteArrayInputStream(f.png()));
                assertEquals(Figures.WIDTH, png.getWidth(), f.file() + " at the report's width");
                assertEquals(f.height(), png.getHeight(), f.file() + ": the layout is the image's");
                assertTrue(f.layout().texts().size() > 5, f.file() + " has its labels recorded");
                problems.addAll(Legibility.problems(f));
                drawn++;
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " problems in " + drawn + " figures:\n"
                + String.join("\n", problems));
    }

    /** The figures of {@code kind}, over the shapes of data that strain it. */
    static List<Figures.Figure> draw(Figures.Kind kind, Path dir) {
        List<Results.Strategy> many = strategies(NAMES, 5, 3);
        return switch (kind) {
            case ACCURACY_MATRIX -> List.of(Figures.accuracyMatrix(dir, many.get(2)),
                    Figures.accuracyMatrix(dir, strategies(List.of(NAMES.get(11)), 10, 1).get(0)),
                    Figures.accuracyMatrix(dir, strategies(List.of(NAMES.get(3)), 20, 1).get(0)));
            case CONFUSION -> List.of(Figures.confusion(dir, NAMES.get(2), 1, confusion(10)),
                    Figures.confusion(dir, NAMES.get(11), 7, confusion(100)));
            case LOSS -> List.of(Figures.loss(dir, NAMES.get(6), "solver", 1, losses(5, 400, 2.0), 1),
                    Figures.loss(dir, NAMES.get(6), "generator", 2, losses(5, 120, 500), 50),
                    Figures.loss(dir, NAMES.get(11), "solver", 3, losses(20, 40, 1.5), 25),
                    Figures.loss(dir, "naive", "solver", 1, losses(1, 1, 0.7), 1));
            case AVERAGE_ACCURACY -> List.of(Figures.averageAccuracy(dir, many),
                    Figures.averageAccuracy(dir, strategies(List.of("naive", "er"), 20, 1)));
            case ACCURACY_OVER_TIME -> List.of(Figures.accuracyOverTime(dir, many.get(11)),
                    Figures.accuracyOverTime(dir, strategies(List.of("er"), 10, 1).get(0)),
                    Figures.accuracyOverTime(dir, strategies(List.of("er"), 20, 1).get(0)));
            case TRANSFER -> List.of(Figures.transferMetrics(dir, many, true), Figures.transferMetrics(dir, many, false),
                    Figures.transferMetrics(dir, strategies(List.of("naive"), 5, 1), true));
            case MEMORY -> List.of(Figures.memory(dir, many), Figures.memory(dir, strategies(List.of("er"), 5, 1)));
            case TIME -> List.of(Figures.time(dir, many), Figures.time(dir, strategies(List.of("gr"), 5, 1)));
            case SCALING -> Figures.scaling(dir, scaling());
            case FRONTIER -> {
                List<Figures.Figure> out = new ArrayList<>(Frontier.figures(dir, frontier(3, 1), Frontier.references()
                        .stream().filter(r -> r.setting().equals("class")).toList()));
                out.addAll(Frontier.figures(dir.resolve("one-seed"), frontier(1, 0.05), List.of()));
                yield out;
            }
        };
    }

    /** Strategies named {@code names} over {@code tasks} tasks and {@code seeds} seeds, with plausible values. */
    static List<Results.Strategy> strategies(List<String> names, int tasks, int seeds) {
        Random random = new Random(names.hashCode() + tasks);
        List<Results.Strategy> out = new ArrayList<>();
        for (String name : names) {
            double[][] r = new double[tasks][tasks];
            double keep = 0.5 + 0.5 * random.nextDouble();
            for (int i = 0; i < tasks; i++) {
                for (int j = 0; j < tasks; j++) {
                    r[i][j] = j > i ? 0 : Math.max(0, 0.99 - (i - j) * (1 - keep) / 2 - 0.05 * random.nextDouble());
                }
            }
            double acc = java.util.Arrays.stream(r[tasks - 1]).average().orElse(0);
            double[] b = new double[tasks];
            java.util.Arrays.fill(b, 0.1);
            Map<String, Double> times = new LinkedHashMap<>();
            times.put("solver_training", 2 + 10 * random.nextDouble());
            times.put("generator_training", name.startsWith("gr") || name.startsWith("cgr") ? 20.0 : 0.0);
            times.put("generation", 3 * random.nextDouble());
            times.put("evaluation", 0.4);
            times.put("total", times.values().stream().mapToDouble(Double::doubleValue).sum() + 1.5);
            Map<String, Long> memory = new LinkedHashMap<>();
            memory.put("solver", 1_913_640L);
            memory.put("batch", 12_544L);
            memory.put("buffer", (long) (4_000_000 * random.nextDouble()));
            if (name.startsWith("gr") || name.startsWith("cgr") || name.startsWith("bir")) {
                memory.put("generator", 4_279_136L);
                memory.put("previous_models", 6_192_776L);
            }
            out.add(new Results.Strategy(name, seedList(seeds), r, b, acc, seeds > 1 ? 0.02 : Double.NaN,
                    -0.3 * random.nextDouble(), seeds > 1 ? 0.03 : Double.NaN, 0, seeds > 1 ? 0.0 : Double.NaN,
                    0.3 * random.nextDouble(), seeds > 1 ? 0.02 : Double.NaN, times,
                    memory.values().stream().mapToLong(Long::longValue).sum(), 1e10 * (1 + random.nextDouble()),
                    40_000, memory, Map.of(), 47_000_000, 0.99, 0.9, 0.05, List.<JsonNode>of(), Map.of(),
                    new Completion(tasks, tasks, seeds, seeds, null)));
        }
        return out;
    }

    private static List<Long> seedList(int n) {
        List<Long> seeds = new ArrayList<>();
        for (long s = 1; s <= n; s++) {
            seeds.add(s);
        }
        return seeds;
    }

    private static long[][] confusion(int classes) {
        Random random = new Random(classes);
        long[][] counts = new long[classes][classes];
        for (int i = 0; i < classes; i++) {
            for (int j = 0; j < classes; j++) {
                counts[i][j] = i == j ? 700 + random.nextInt(300) : random.nextInt(40);
            }
        }
        return counts;
    }

    /** {@code tasks} loss curves of {@code points} windows each, starting near {@code start} and falling. */
    private static List<double[]> losses(int tasks, int points, double start) {
        Random random = new Random(tasks * 31L + points);
        List<double[]> out = new ArrayList<>();
        for (int k = 0; k < tasks; k++) {
            double[] y = new double[points];
            for (int i = 0; i < points; i++) {
                y[i] = start * (0.3 + 0.7 * Math.exp(-5.0 * i / points)) * (1 + 0.05 * random.nextDouble());
            }
            out.add(y);
        }
        return out;
    }

    /** Scaling over 2 to 50 tasks: memory that grows linearly, memory that stays flat, compute, time. */
    private static Scaling scaling() {
        List<String> strategies = List.of("er", "gr", NAMES.get(2), NAMES.get(11));
        List<Integer> tasks = List.of(2, 5, 10, 20, 50);
        List<Scaling.Measurement> measurements = new ArrayList<>();
        List<Scaling.Fit> fits = new ArrayList<>();
        for (int s = 0; s < strategies.size(); s++) {
            for (int t : tasks) {
                Map<String, Double> v = new LinkedHashMap<>();
                v.put("memory_bytes", s == 0 ? 2.05e6 : 1.9e6 + 4e5 * t * s);
                v.put("replay_memory_bytes", 64_000.0 + (s == 1 ? 8e6 : 0));
                v.put("training_macs", 6.5e9 * t * (1 + s));
                v.put("seconds", 1.2 * t + s);
                v.put("acc", 0.95 - 0.05 * s * Math.log(t));
                v.put("acc_sem", 0.004 + 0.002 * s);
                v.put("seeds", 3.0);
                measurements.add(new Scaling.Measurement(strategies.get(s), t, v));
            }
            for (String q : Scaling.QUANTITIES) {
                fits.add(new Scaling.Fit(strategies.get(s), q, q.equals("memory_bytes") && s == 0 ? 0.0 : 1.0, 0,
                        q.equals("memory_bytes") && s == 0 ? "constant" : "linear"));
            }
        }
        return new Scaling(Map.of(), "split", strategies, tasks, measurements, fits, List.of());
    }

    /**
     * A frontier of a dozen strategies at 64 kB, 256 kB, 1 MB and 4 MB over {@code seeds} seeds; {@code macsSpread}
     * sets how far apart their training MACs lie (0.05: all within 5%, one decade at most).
     */
    private static List<Frontier.Point> frontier(int seeds, double macsSpread) {
        Random random = new Random(seeds);
        List<Frontier.Point> points = new ArrayList<>();
        long[] budgets = {64_000, 256_000, 1_000_000, 4_000_000};
        for (int s = 0; s < NAMES.size(); s++) {
            for (long budget : budgets) {
                double acc = 0.3 + 0.6 * random.nextDouble();
                // Spreads of three sizes: wide, about the marker's, and far inside it.
                double std = seeds > 1 ? new double[] {0.03, 0.008, 0.001}[(s + (int) (budget % 3)) % 3] : Double.NaN;
                points.add(new Frontier.Point(NAMES.get(s), budget, seeds, acc, std,
                        budget * (0.6 + 0.4 * random.nextDouble()), 6.5e9 * (1 + macsSpread * s), false, false,
                        Map.of()));
            }
        }
        // The cheapest strategy in MACs also reaches the highest ACC: the front in MACs is that one point.
        points.add(new Frontier.Point(NAMES.get(0), 8_000_000, seeds, 0.99, seeds > 1 ? 0.01 : Double.NaN, 7_900_000,
                6.5e9, false, false, Map.of()));
        return Frontier.fronts(points);
    }
}
