package dev.rehearsal.report;

import dev.rehearsal.RehearsalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The image grids runs leave in {@code samples/}, named {@code <strategy>-task<k>-<kind>.png} with kind
 * {@code generated} (what the generator replays after task k) or {@code buffer} (what the replay buffer
 * holds after task k). Files with other names are kept too, with strategy and kind unknown, so nothing a
 * run wrote is silently dropped.
 */
final class Samples {
    private static final Pattern NAME = Pattern.compile("(.+)-task(\\d+)-([A-Za-z0-9_]+)\\.png");

    private Samples() {
    }

    /** {@code task} is -1 and {@code kind} empty when the file name does not follow the convention. */
    record Sample(String strategy, int task, String kind, String file, byte[] png) {
        boolean named() {
            return task >= 0;
        }
    }

    /**
     * The grids in {@code dir} (none if it does not exist), grouped by strategy in {@code order} (then
     * alphabetically), each strategy's by task and kind; unconventional names come last.
     */
    static List<Sample> find(Path dir, List<String> order) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Sample> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".png") && Files.isRegularFile(p)).toList();
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot list " + dir + ": " + e, e);
        }
        for (Path p : files) {
            String file = p.getFileName().toString();
            byte[] png;
            try {
                png = Files.readAllBytes(p);
            } catch (IOException e) {
                throw new RehearsalException(RehearsalException.DATA, "cannot read sample grid " + p + ": " + e
                        + " (remove it or fix its permissions)", e);
            }
            Matcher m = NAME.matcher(file);
            out.add(m.matches() ? new Sample(m.group(1), parseTask(m.group(2)), m.group(3), file, png)
                    : new Sample("", -1, "", file, png));
        }
        out.sort(Comparator.comparing((Sample s) -> !s.named())
                .thenComparingInt(s -> order.contains(s.strategy()) ? order.indexOf(s.strategy()) : order.size())
                .thenComparing(Sample::strategy)
                .thenComparingInt(Sample::task)
                .thenComparing(Sample::kind)
                .thenComparing(Sample::file));
        return out;
    }

    private static int parseTask(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE; // absurdly long digit string: sort it last, still show it
        }
    }
}
