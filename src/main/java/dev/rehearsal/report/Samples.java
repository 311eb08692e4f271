package dev.rehearsal.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * run wrote is silently dropped. A grid of generated samples may have a {@code <grid>.json} beside it: the
 * class the solver gives each image and its confidence ({@link Labels}).
 */
final class Samples {
    private static final Pattern NAME = Pattern.compile("(.+)-task(\\d+)-([A-Za-z0-9_]+)\\.png");

    private Samples() {
    }

    /**
     * {@code task} is -1 and {@code kind} empty when the file name does not follow the convention;
     * {@code labels} is null without a {@code <grid>.json} beside the PNG.
     */
    record Sample(String strategy, int task, String kind, String file, byte[] png, Labels labels) {
        boolean named() {
            return task >= 0;
        }
    }

    /**
     * What the solver trained through the grid's task predicts for each image, in grid order, with its
     * softmax probability ({@code experiment.SampleLabels} writes them); {@code kind} says what a label is.
     */
    record Labels(int[] labels, double[] confidence, String kind) {
        int size() {
            return Math.min(labels.length, confidence.length);
        }
    }

    /**
     * The grids in {@code dir} (none if it does not exist), grouped by strategy in {@code order} (then
     * alphabetically), each strategy's by task and kind; unconventional names come last.
     */
    static List<Sample> find(Path dir, List<String> order) {
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return List.of(); // absent, or a link: a results folder's links are never followed
        }
        List<Sample> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".png") && HtmlReport.ownFile(p)).toList();
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
            Labels labels = labels(p.resolveSibling(file.substring(0, file.length() - 4) + ".json"));
            Matcher m = NAME.matcher(file);
            out.add(m.matches() ? new Sample(m.group(1), parseTask(m.group(2)), m.group(3), file, png, labels)
                    : new Sample("", -1, "", file, png, labels));
        }
        out.sort(Comparator.comparing((Sample s) -> !s.named())
                .thenComparingInt(s -> order.contains(s.strategy()) ? order.indexOf(s.strategy()) : order.size())
                .thenComparing(Sample::strategy)
                .thenComparingInt(Sample::task)
                .thenComparing(Sample::kind)
                .thenComparing(Sample::file));
        return out;
    }

    /** The labels beside a grid, or null when there is no such file. */
    static Labels labels(Path json) {
        if (!HtmlReport.ownFile(json)) {
            return null;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw Results.corrupt(json.toString(), "not readable as the labels of a sample grid (" + e.getMessage()
                    + ")");
        }
        JsonNode l = root.path("labels");
        JsonNode c = root.path("confidence");
        if (!l.isArray() || !c.isArray() || l.size() != c.size()) {
            throw Results.corrupt(json.toString(), "expected arrays 'labels' and 'confidence' of one length");
        }
        int[] labels = new int[l.size()];
        double[] confidence = new double[c.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = l.get(i).asInt();
            confidence[i] = c.get(i).asDouble(Double.NaN);
        }
        return new Labels(labels, confidence, root.path("label_kind").asText("class"));
    }

    private static int parseTask(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE; // absurdly long digit string: sort it last, still show it
        }
    }
}
