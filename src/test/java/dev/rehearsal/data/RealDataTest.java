package dev.rehearsal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.RequiredData;
import dev.rehearsal.backend.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The real datasets, loaded from the default locations with checksums verified. MNIST must be present
 * (run {@code data/fetch-mnist.sh}); the test fails rather than skips without it. Fashion-MNIST is skipped
 * where it is not installed, except with {@code REHEARSAL_REQUIRE_DATA=1} (CI), where it fails.
 */
class RealDataTest {
    /** Published per-class counts (LeCun et al.). */
    private static final int[] MNIST_TRAIN = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    private static final int[] MNIST_TEST = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};

    private static int[] histogram(Dataset ds) {
        int[] h = new int[10];
        for (int i = 0; i < ds.size(); i++) {
            h[ds.label(i)]++;
        }
        return h;
    }

    /** Mean pixel in [0, 1], read back from the block in chunks. */
    private static double meanPixel(Dataset ds) {
        byte[] chunk = new byte[1 << 20];
        long total = ds.imageBytes();
        long sum = 0;
        for (long done = 0; done < total; ) {
            int n = (int) Math.min(chunk.length, total - done);
            ds.images().block().readBytes(done, chunk, 0, n);
            for (int i = 0; i < n; i++) {
                sum += chunk[i] & 0xff;
            }
            done += n;
        }
        return sum / (255.0 * total);
    }

    @Test
    void mnistLoadsVerified() {
        Path dir = Path.of("data", "mnist");
        for (Split s : Split.values()) {
            for (String name : new String[] {s.imagesFile(), s.labelsFile()}) {
                assertTrue(Files.isRegularFile(dir.resolve(name)) || Files.isRegularFile(dir.resolve(name + ".gz")),
                        "MNIST is missing (" + dir.resolve(name) + "): run data/fetch-mnist.sh before the tests");
            }
        }
        // No fetcher: a test never downloads.
        DatasetSource src = DatasetSource.defaults(Corpus.MNIST, Path.of(""), m -> { }, null);
        assertTrue(src.verified());
        Backend nativ = Backends.nativ();
        try (Dataset train = src.load(nativ, Split.TRAIN); Dataset test = src.load(Backends.jvm(), Split.TEST)) {
            assertEquals(60000, train.size());
            assertEquals(10000, test.size());
            for (Dataset ds : new Dataset[] {train, test}) {
                assertEquals(28, ds.imageRows());
                assertEquals(28, ds.imageCols());
                assertEquals(784, ds.features());
            }
            assertEquals(60_000L * 784, train.imageBytes(), "47,040,000 bytes of uint8 pixels");
            assertEquals(10_000L * 784, test.imageBytes(), "7,840,000 bytes");
            assertEquals(60_000, train.labelBytes(), "one byte per label");
            assertEquals(10_000, test.labelBytes());
            assertArrayEquals(MNIST_TRAIN, histogram(train));
            assertArrayEquals(MNIST_TEST, histogram(test));
            assertEquals(5, train.label(0));
            assertEquals(7, test.label(0));
            // The usual normalisation constant: mean 0.1307 over the training pixels.
            assertEquals(0.1307, meanPixel(train), 1e-4);
        }
    }

    @Test
    void fashionLoadsVerifiedWhenInstalled() {
        boolean installed = Corpus.FASHION.defaultDirs().stream()
                .anyMatch(d -> Files.exists(d.resolve(Split.TEST.labelsFile() + ".gz"))
                        || Files.exists(d.resolve(Split.TEST.labelsFile())));
        RequiredData.assumePresent(installed, "Fashion-MNIST not installed: run data/fetch-fashion-mnist.sh");
        DatasetSource src = DatasetSource.defaults(Corpus.FASHION, Path.of(""), m -> { }, null);
        assertTrue(src.verified());
        try (Dataset test = src.load(Backends.nativ(), Split.TEST)) {
            assertEquals(10000, test.size());
            assertEquals(784, test.features());
            int[] h = histogram(test);
            for (int c = 0; c < 10; c++) {
                assertEquals(1000, h[c], "class " + c);
            }
        }
    }
}
