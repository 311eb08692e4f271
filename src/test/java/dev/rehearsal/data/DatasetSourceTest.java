package dev.rehearsal.data;

import static dev.rehearsal.data.IdxFiles.assertDataError;
import static dev.rehearsal.data.IdxFiles.gzip;
import static dev.rehearsal.data.IdxFiles.images;
import static dev.rehearsal.data.IdxFiles.labels;
import static dev.rehearsal.data.IdxFiles.random;
import static dev.rehearsal.data.IdxFiles.sha256;
import static dev.rehearsal.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.RehearsalException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetSourceTest {
    @TempDir
    Path dir;

    /** Four small files: train raw, test gzipped. */
    private void writeSplits(Path d) {
        write(d.resolve("train-images-idx3-ubyte"), images(5, 2, 2, random(20, 1)));
        write(d.resolve("train-labels-idx1-ubyte"), labels(new byte[] {0, 1, 2, 3, 4}));
        write(d.resolve("t10k-images-idx3-ubyte.gz"), gzip(images(3, 2, 2, random(12, 2))));
        write(d.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(new byte[] {5, 6, 7})));
    }

    @Test
    void findsRawAndGzippedFilesInAGivenDirectory() {
        writeSplits(dir);
        write(dir.resolve("train-labels-idx1-ubyte.gz"), new byte[] {1}); // raw wins over .gz
        DatasetSource src = DatasetSource.locate("MNIST", dir, m -> { });
        assertEquals(Corpus.MNIST, src.corpus());
        assertEquals(dir, src.directory());
        assertFalse(src.verified());
        assertEquals(dir.resolve("train-labels-idx1-ubyte"), src.labels(Split.TRAIN));
        assertEquals(dir.resolve("t10k-images-idx3-ubyte.gz"), src.images(Split.TEST));
        try (Dataset train = src.load(Backends.jvm(), Split.TRAIN);
                Dataset test = src.load(Backends.nativ(), Split.TEST)) {
            assertEquals("mnist-train", train.name());
            assertEquals(5, train.size());
            assertEquals("mnist-test", test.name());
            assertEquals(3, test.size());
            assertEquals(7, test.label(2));
        }
    }

    @Test
    void aLabelOutsideTheCorpusClassesIsCorruptData() {
        writeSplits(dir);
        // MNIST has 10 classes: label 10 in the gzipped test labels (index 1) is corruption, not a new class.
        write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(new byte[] {5, 10, 7})));
        DatasetSource src = DatasetSource.locate("mnist", dir, m -> { });
        try (Dataset train = src.load(Backends.jvm(), Split.TRAIN)) {
            assertEquals(5, train.size());
        }
        assertDataError(() -> src.load(Backends.jvm(), Split.TEST), dir.resolve("t10k-labels-idx1-ubyte.gz").toString(),
                "label 10 at index 1", "outside the 10 classes 0 to 9");
    }

    @Test
    void trainAndTestOfDifferentImageSizesAreRefusedWhenLoaded() {
        writeSplits(dir);
        write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(images(3, 3, 3, random(27, 2))));
        write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(new byte[] {0, 1, 2})));
        DatasetSource src = DatasetSource.locate("mnist", dir, m -> { });
        assertDataError(() -> src.loadBoth(Backends.jvm()).close(), dir.resolve("t10k-images-idx3-ubyte.gz").toString(),
                "3x3", dir.resolve("train-images-idx3-ubyte").toString(), "2x2");
        writeSplits(dir);
        write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(new byte[] {0, 1, 2})));
        try (DatasetSource.Splits both = src.loadBoth(Backends.jvm())) {
            assertEquals(5, both.train().size());
            assertEquals(3, both.test().size());
        }
    }

    @Test
    void aTestClassTheTrainingFileNeverShowsIsRefusedWhenLoaded() {
        writeSplits(dir); // train labels 0 to 4, test labels 5 to 7
        DatasetSource src = DatasetSource.locate("mnist", dir, m -> { });
        assertDataError(() -> src.loadBoth(Backends.jvm()).close(), dir.resolve("t10k-labels-idx1-ubyte.gz").toString(),
                "class 5", dir.resolve("train-labels-idx1-ubyte").toString());
    }

    @Test
    void missingDirectorySaysHowToFetch() {
        Path missing = dir.resolve("nowhere");
        assertDataError(() -> DatasetSource.locate("mnist", missing, m -> { }), missing.toString(),
                "does not exist", "run data/fetch-mnist.sh");
        assertDataError(() -> DatasetSource.locate("fashion", missing, m -> { }),
                "run data/fetch-fashion-mnist.sh", "apt-get install dataset-fashion-mnist");
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        writeSplits(dir);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        assertDataError(() -> DatasetSource.locate("mnist", dir, m -> { }), "lacks [t10k-labels-idx1-ubyte]",
                "run data/fetch-mnist.sh");
    }

    @Test
    void unknownDatasetIsAUsageError() {
        RehearsalException e = assertThrows(RehearsalException.class, () -> Corpus.named("cifar10"));
        assertEquals(RehearsalException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("expected one of mnist, fashion"), e.getMessage());
        assertEquals(Corpus.FASHION, Corpus.named("fashion"));
    }

    @Test
    void missingDefaultDirectoryWithoutFetcherSaysHowToFetch() {
        assertDataError(() -> DatasetSource.defaults(Corpus.MNIST, dir, m -> { }, null), "MNIST not found",
                dir.resolve("data/mnist") + " (no such directory)", "run data/fetch-mnist.sh");
    }

    @Test
    void defaultLocationIsVerifiedAgainstPinnedChecksums() {
        Path mnist = dir.resolve("data/mnist");
        writeSplits(mnist);
        DatasetSource src = DatasetSource.defaults(Corpus.MNIST, dir, m -> { }, null);
        assertTrue(src.verified());
        // Labels are read first, so they are the first to fail.
        byte[] content = labels(new byte[] {0, 1, 2, 3, 4});
        assertDataError(() -> src.load(Backends.jvm(), Split.TRAIN), "train-labels-idx1-ubyte", "SHA-256",
                sha256(content), "expected " + Corpus.MNIST.checksums().get("train-labels-idx1-ubyte"),
                "data/mnist.sha256", "run data/fetch-mnist.sh");
    }

    @Test
    void fashionIsLookedUpInTheWorkingDirectoryFirst() {
        Path fashion = dir.resolve("data/fashion");
        writeSplits(fashion);
        DatasetSource src = DatasetSource.defaults(Corpus.FASHION, dir, m -> { }, null);
        assertEquals(fashion, src.directory());
        // Only the test split's labels: gzipped content is what the sum covers.
        assertDataError(() -> src.load(Backends.jvm(), Split.TEST), "t10k-labels-idx1-ubyte.gz",
                "SHA-256 of the uncompressed content", "data/fashion-mnist.sha256");
    }
}
