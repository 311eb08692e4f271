package dev.rehearsal.data;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the four IDX files of a {@link Corpus} are: {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each raw
 * or with {@code .gz} (raw wins when both exist).
 *
 * <p>Without a directory the corpus's default ones are searched ({@code data/mnist} under the working
 * directory; {@code data/fashion}, then Debian's {@code /usr/share/datasets/fashion-mnist}); MNIST missing
 * there is fetched into {@code data/mnist}. Files from a default location are checked against the pinned
 * checksums when loaded; files from a directory the user names are trusted as they are.
 */
public final class DatasetSource {
    private final Corpus corpus;
    private final Path directory;
    private final boolean verified;
    private final Map<String, Path> files; // name without .gz -> the file found

    private DatasetSource(Corpus corpus, Path directory, boolean verified, Map<String, Path> files) {
        this.corpus = corpus;
        this.directory = directory;
        this.verified = verified;
        this.files = files;
    }

    /**
     * Finds {@code dataset} ("mnist" or "fashion") in {@code dataDir}, or in the default locations when it is
     * null, fetching MNIST if needed; {@code log} hears about a fetch. Fails with a hint when files are missing.
     */
    public static DatasetSource locate(String dataset, Path dataDir, Consumer<String> log) {
        return locate(Corpus.named(dataset), dataDir, log);
    }

    public static DatasetSource locate(Corpus corpus, Path dataDir, Consumer<String> log) {
        return dataDir != null ? in(corpus, dataDir) : defaults(corpus, Path.of(""), log, new MnistFetcher());
    }

    /** As {@link #locate(Corpus, Path, Consumer)}, but never fetches: missing files fail with the same hint. */
    public static DatasetSource locateWithoutFetching(Corpus corpus, Path dataDir) {
        return dataDir != null ? in(corpus, dataDir) : defaults(corpus, Path.of(""), line -> { }, null);
    }

    /** The files in a directory the user named; not verified. */
    static DatasetSource in(Corpus corpus, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new RehearsalException(RehearsalException.DATA, "data directory " + dir + (Files.exists(dir)
                    ? " is not a directory" : " does not exist") + "; expected one holding the four " + corpus.title()
                    + " IDX files (raw or .gz): " + corpus.fetchHint());
        }
        Map<String, Path> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        find(dir, found, missing);
        if (!missing.isEmpty()) {
            throw new RehearsalException(RehearsalException.DATA, "data directory " + dir + " lacks " + missing
                    + " (raw or .gz) of " + corpus.title() + "; " + corpus.fetchHint());
        }
        return new DatasetSource(corpus, dir, false, found);
    }

    /**
     * The first complete default directory under {@code workDir}; for MNIST, fetched by {@code fetcher}
     * (nullable: no fetch) into the first default directory when none is complete. Verified.
     */
    static DatasetSource defaults(Corpus corpus, Path workDir, Consumer<String> log, MnistFetcher fetcher) {
        List<String> looked = new ArrayList<>();
        for (Path rel : corpus.defaultDirs()) {
            Path dir = workDir.resolve(rel);
            Map<String, Path> found = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            if (!Files.isDirectory(dir)) {
                looked.add(dir + " (no such directory)");
                continue;
            }
            find(dir, found, missing);
            if (missing.isEmpty()) {
                return new DatasetSource(corpus, dir, true, found);
            }
            looked.add(dir + " (lacks " + missing + ")");
        }
        if (corpus == Corpus.MNIST && fetcher != null) {
            Path dir = workDir.resolve(corpus.defaultDirs().get(0));
            fetcher.fetch(dir, log);
            Map<String, Path> found = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            find(dir, found, missing);
            if (missing.isEmpty()) {
                return new DatasetSource(corpus, dir, true, found);
            }
            looked.add(dir + " (still lacks " + missing + " after fetching)");
        }
        throw new RehearsalException(RehearsalException.DATA, corpus.title() + " not found: looked in "
                + String.join(", ", looked) + "; " + corpus.fetchHint());
    }

    /** Sorts the corpus's four file names into found (raw preferred over .gz) and missing. */
    private static void find(Path dir, Map<String, Path> found, List<String> missing) {
        for (Split split : Split.values()) {
            for (String name : List.of(split.imagesFile(), split.labelsFile())) {
                Path raw = dir.resolve(name);
                Path gz = dir.resolve(name + ".gz");
                if (Files.isRegularFile(raw)) {
                    found.put(name, raw);
                } else if (Files.isRegularFile(gz)) {
                    found.put(name, gz);
                } else {
                    missing.add(name);
                }
            }
        }
    }

    public Corpus corpus() {
        return corpus;
    }

    public Path directory() {
        return directory;
    }

    /** Whether {@link #load} checks the pinned checksums (true for default locations). */
    public boolean verified() {
        return verified;
    }

    /** The images file of a split, raw or gzip. */
    public Path images(Split split) {
        return files.get(split.imagesFile());
    }

    /** The labels file of a split, raw or gzip. */
    public Path labels(Split split) {
        return files.get(split.labelsFile());
    }

    /** Loads one split into an arena of {@code backend}; the dataset is named e.g. "mnist-train". */
    public Dataset load(Backend backend, Split split) {
        String name = corpus.id() + "-" + split.id();
        if (!verified) {
            return Dataset.load(backend, name, images(split), labels(split), corpus.classes());
        }
        return Dataset.load(backend, name, images(split), labels(split), corpus.classes(),
                corpus.pinned(split.imagesFile()), corpus.pinned(split.labelsFile()));
    }

    /** A data set's two splits, loaded together; closing frees both. */
    public record Splits(Dataset train, Dataset test) implements AutoCloseable {
        @Override
        public void close() {
            train.close();
            test.close();
        }
    }

    /**
     * Loads both splits and checks that they belong together: the same image size (a model built for the
     * training images cannot read others), and no test class the training file never shows (it could never
     * be learned). Each split's labels are already within the corpus's classes ({@link Dataset#load}).
     */
    public Splits loadBoth(Backend backend) {
        Dataset train = load(backend, Split.TRAIN);
        Dataset test = null;
        try {
            test = load(backend, Split.TEST);
            requireAgreement(train, test);
            return new Splits(train, test);
        } catch (RuntimeException | Error e) {
            train.close();
            if (test != null) {
                test.close();
            }
            throw e;
        }
    }

    private void requireAgreement(Dataset train, Dataset test) {
        if (train.imageRows() != test.imageRows() || train.imageCols() != test.imageCols()) {
            throw new RehearsalException(RehearsalException.DATA, images(Split.TEST) + " holds " + test.imageRows()
                    + "x" + test.imageCols() + " images but " + images(Split.TRAIN) + " holds " + train.imageRows()
                    + "x" + train.imageCols() + "; expected one image size for both splits: use the files of one "
                    + "data set");
        }
        boolean[] trained = new boolean[256];
        for (int i = 0; i < train.size(); i++) {
            trained[train.label(i)] = true;
        }
        for (int i = 0; i < test.size(); i++) {
            if (!trained[test.label(i)]) {
                throw new RehearsalException(RehearsalException.DATA, labels(Split.TEST) + ": class " + test.label(i)
                        + " (at index " + i + ") never occurs in " + labels(Split.TRAIN) + ", so it could never be "
                        + "learned; expected the labels of one data set in both splits");
            }
        }
    }

    @Override
    public String toString() {
        return corpus.title() + " in " + directory + (verified ? " (verified)" : "");
    }
}
