package dev.rehearsal.data;

import static dev.rehearsal.data.IdxFiles.assertDataError;
import static dev.rehearsal.data.IdxFiles.gzip;
import static dev.rehearsal.data.IdxFiles.images;
import static dev.rehearsal.data.IdxFiles.labels;
import static dev.rehearsal.data.IdxFiles.random;
import static dev.rehearsal.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetTest {
    private static final int N = 37;
    private static final int ROWS = 5;
    private static final int COLS = 3;
    /** The toy labels go up to 200 (above 127: labels are unsigned), so 201 classes hold them. */
    private static final int CLASSES = 201;

    @TempDir
    Path dir;

    private final byte[] pixels = random(N * ROWS * COLS, 11); // [N, ROWS * COLS]
    private final byte[] labels = labelsFor(N);

    private static byte[] labelsFor(int n) {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) {
            l[i] = (byte) (i % 10);
        }
        l[n - 1] = (byte) 200; // above 127: labels are unsigned
        return l;
    }

    private Dataset load(Backend backend, boolean gz) {
        Path images = write(dir.resolve("images"), gz ? gzip(images(N, ROWS, COLS, pixels)) : images(N, ROWS,
                COLS, pixels));
        Path labelFile = write(dir.resolve("labels"), labels(labels));
        return Dataset.load(backend, "toy-train", images, labelFile, CLASSES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void holdsExactBytesInOneBlock(String backendName) {
        try (Dataset ds = load(Backends.named(backendName), false)) {
            assertEquals("toy-train", ds.name());
            assertEquals(N, ds.size());
            assertEquals(ROWS * COLS, ds.features());
            assertEquals(ROWS, ds.imageRows());
            assertEquals(COLS, ds.imageCols());
            assertEquals(37L * 5 * 3, ds.imageBytes(), "N images of ROWS x COLS uint8 pixels");
            assertEquals(37, ds.labelBytes(), "one byte per label");
            Tensor images = ds.images();
            assertEquals(DType.U8, images.dtype());
            assertEquals(N, images.rows());
            assertEquals(ROWS * COLS, images.cols());
            assertTrue(images.isDense());
            assertEquals(37L * 5 * 3, images.block().bytes(), "the view covers the whole block");
            assertEquals("toy-train.images", images.block().name());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void roundTripsPixelsAndLabels(String backendName) {
        for (boolean gz : new boolean[] {false, true}) {
            try (Dataset ds = load(Backends.named(backendName), gz)) {
                byte[] back = new byte[pixels.length];
                ds.images().block().readBytes(0, back, 0, back.length);
                assertArrayEquals(pixels, back);
                int i = 4;
                int j = 7;
                assertEquals(pixels[i * ROWS * COLS + j] & 0xff, ds.images().block().getByte(ds.images().index(i, j)));
                assertArrayEquals(labels, ds.labels());
                assertEquals(200, ds.label(N - 1));
                assertEquals(3, ds.label(3));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void closeFreesTheImageBlock(String backendName) {
        Dataset ds = load(Backends.named(backendName), false);
        Block block = ds.images().block();
        assertFalse(block.isFreed());
        ds.close();
        assertTrue(block.isFreed());
        assertTrue(ds.isClosed());
        assertThrows(IllegalStateException.class, ds::images);
        assertThrows(IllegalStateException.class, () -> block.getByte(0));
        assertEquals(labels[0], ds.labels()[0]); // labels live on the heap
        ds.close(); // idempotent
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void labelsReturnsACopy(String backendName) {
        try (Dataset ds = load(Backends.named(backendName), false)) {
            ds.labels()[0] = 99;
            assertEquals(labels[0], ds.label(0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void rejectsImageLabelCountMismatch(String backendName) {
        Path images = write(dir.resolve("images"), images(N, ROWS, COLS, pixels));
        Path labelFile = write(dir.resolve("labels"), labels(new byte[N - 2]));
        assertDataError(() -> Dataset.load(Backends.named(backendName), "bad", images, labelFile, CLASSES),
                "holds " + N + " images", "holds " + (N - 2) + " labels", "same split");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void refusesLabelsOutsideTheClassesNamingTheFirst(boolean gz) {
        Path images = write(dir.resolve("images"), images(N, ROWS, COLS, pixels));
        // The toy labels hold 200 at index N - 1 and 0..9 elsewhere: with 10 classes, 200 is corrupt.
        Path labelFile = write(dir.resolve(gz ? "labels.gz" : "labels"), gz ? gzip(labels(labels)) : labels(labels));
        assertDataError(() -> Dataset.load(Backends.jvm(), "bad", images, labelFile, 10), labelFile.toString(),
                "label 200 at index " + (N - 1), "outside the 10 classes 0 to 9", "corrupt");
        byte[] two = labels.clone();
        two[3] = 10; // the smallest label outside 0..9
        Path twoFile = write(dir.resolve("two"), labels(two));
        assertDataError(() -> Dataset.load(Backends.jvm(), "bad", images, twoFile, 10), "label 10 at index 3",
                "(2 labels are)");
        // 200 is the largest label, so 201 classes is the fewest that hold it.
        try (Dataset ds = Dataset.load(Backends.jvm(), "ok", images, labelFile, 201)) {
            assertEquals(200, ds.label(N - 1));
        }
        assertDataError(() -> Dataset.load(Backends.jvm(), "bad", images, labelFile, 200), "label 200");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void buildsFromArrays(String backendName) {
        try (Dataset ds = Dataset.of(Backends.named(backendName), "toy", ROWS, COLS, pixels, labels)) {
            assertEquals(N, ds.size());
            assertEquals((long) N * ROWS * COLS, ds.imageBytes());
            byte[] back = new byte[pixels.length];
            ds.images().block().readBytes(0, back, 0, back.length);
            assertArrayEquals(pixels, back);
            assertArrayEquals(labels, ds.labels());
        }
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(Backends.named(backendName), "toy", ROWS, COLS, new byte[3], labels));
    }
}
