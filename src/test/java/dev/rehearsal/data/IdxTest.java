package dev.rehearsal.data;

import static dev.rehearsal.data.IdxFiles.assertDataError;
import static dev.rehearsal.data.IdxFiles.concat;
import static dev.rehearsal.data.IdxFiles.gzip;
import static dev.rehearsal.data.IdxFiles.idx;
import static dev.rehearsal.data.IdxFiles.images;
import static dev.rehearsal.data.IdxFiles.labels;
import static dev.rehearsal.data.IdxFiles.random;
import static dev.rehearsal.data.IdxFiles.sha256;
import static dev.rehearsal.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rehearsal.Backends;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] content, boolean gz) {
        return write(dir.resolve(name), gz ? gzip(content) : content);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsLabels(boolean gz) {
        byte[] labels = {3, 1, 4, 1, 5, 9, 2, 6, (byte) 255};
        // The name says nothing: gzip is recognised by its magic bytes alone.
        Path f = file("labels", labels(labels), gz);
        try (Idx idx = Idx.open(f, 1)) {
            assertEquals(gz, idx.isGzip());
            assertArrayEquals(new int[] {9}, idx.dims());
            assertEquals(9, idx.count());
            assertEquals(1, idx.itemSize());
            assertArrayEquals(labels, idx.readAll());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void streamsImagesIntoABlock(boolean gz) {
        // Larger than the reader's 1 MiB chunk, so the copy loop runs more than once.
        int n = 1500;
        int rows = 28;
        int cols = 28;
        byte[] pixels = random(n * rows * cols, 7);
        Path f = file("images.bin", images(n, rows, cols, pixels), gz);
        try (Idx idx = Idx.open(f, 3); Arena arena = Backends.jvm().newArena("idx-test")) {
            assertArrayEquals(new int[] {n, rows, cols}, idx.dims());
            assertEquals(rows * cols, idx.itemSize());
            Block block = arena.allocate("images", DType.U8, idx.dataBytes() + 5);
            idx.readInto(block, 5);
            byte[] back = new byte[pixels.length];
            block.readBytes(5, back, 0, back.length);
            assertArrayEquals(pixels, back);
            assertEquals(0, block.getByte(4));
        }
    }

    @Test
    void readsOnlyOnce() {
        try (Idx idx = Idx.open(file("l", labels(new byte[] {1}), false), 1)) {
            idx.readAll();
            assertThrows(IllegalStateException.class, idx::readAll);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rejectsEmptyFile(boolean gz) {
        Path f = file("empty", new byte[0], gz);
        assertDataError(() -> Idx.open(f, 1), f.toString(), "is empty");
    }

    @Test
    void rejectsShortMagic() {
        Path f = file("short", new byte[] {0, 0}, false);
        assertDataError(() -> Idx.open(f, 1), "too short", "found 2 bytes");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rejectsWrongMagic(boolean gz) {
        Path f = file("text", "hello world, not an idx file".getBytes(), gz);
        assertDataError(() -> Idx.open(f, 3), f.toString(), "not an IDX file", "expected IDX magic 0x00000803",
                "found 0x68656C6C");
    }

    @Test
    void rejectsWrongElementType() {
        Path f = file("floats", idx(0x0D, new int[] {2}, new byte[8]), false);
        assertDataError(() -> Idx.open(f, 1), "expected IDX magic 0x00000801", "found 0x00000D01", "float32");
    }

    @Test
    void rejectsLabelsWhereImagesAreExpected() {
        Path f = file("labels", labels(new byte[] {1, 2}), false);
        assertDataError(() -> Idx.open(f, 3), "expected IDX magic 0x00000803", "found 0x00000801",
                "rank 1 (labels) where rank 3 (images)", "swapped");
    }

    @Test
    void rejectsTruncatedHeader() {
        byte[] full = images(1, 2, 2, new byte[4]);
        Path f = file("cut", Arrays.copyOf(full, 10), false);
        assertDataError(() -> Idx.open(f, 3), "truncated header", "needs 12 bytes", "found 6");
    }

    @Test
    void rejectsZeroDimension() {
        Path f = file("zero", idx(0x08, new int[] {3, 0, 28}, new byte[0]), false);
        assertDataError(() -> Idx.open(f, 3), "dimension 1", "[3, 0, 28]", "is 0", "expected a positive size");
    }

    @Test
    void rejectsNegativeDimension() {
        Path f = file("negative", idx(0x08, new int[] {0x80000000}, new byte[0]), true);
        assertDataError(() -> Idx.open(f, 1), "dimension 0", "unsigned 2147483648", "expected a positive size");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rejectsAbsurdDimensionsBeforeAllocating(boolean gz) {
        Path f = file("huge", idx(0x08, new int[] {60000, 28000, 28000}, new byte[16]), gz);
        assertDataError(() -> Idx.open(f, 3), "[60000, 28000, 28000]", "promises 47040000000000 elements",
                "more than the " + Idx.MAX_ELEMENTS);
    }

    @Test
    void rejectsGzipHeaderPromisingMoreThanDeflateCanHold() {
        // 1e9 elements fit the limit, but no deflate stream of a few dozen bytes expands that far.
        Path f = file("inflated", idx(0x08, new int[] {1000, 1000, 1000}, new byte[16]), true);
        assertDataError(() -> Idx.open(f, 3), "promises 1000000000 data bytes", "cannot decompress");
    }

    @Test
    void rejectsTruncatedRawFileBeforeAllocating() {
        byte[] full = images(10, 28, 28, random(7840, 1));
        Path f = file("cut", Arrays.copyOf(full, full.length - 100), false);
        assertDataError(() -> Idx.open(f, 3), "truncated", "promises 7840 data bytes", "found only 7740");
    }

    @Test
    void rejectsTruncatedGzipContent() {
        byte[] full = images(10, 28, 28, random(7840, 1));
        Path f = file("cut.gz", Arrays.copyOf(full, full.length - 100), true);
        try (Idx idx = Idx.open(f, 3); Arena arena = Backends.jvm().newArena("t")) {
            Block block = arena.allocate("images", DType.U8, idx.dataBytes());
            assertDataError(() -> idx.readInto(block, 0), "truncated", "promises 7840 data bytes", "found only 7740");
        }
    }

    @Test
    void rejectsTruncatedGzipStream() {
        byte[] compressed = gzip(labels(random(5000, 2)));
        Path f = write(dir.resolve("cut.gz"), Arrays.copyOf(compressed, compressed.length / 2));
        assertDataError(() -> {
            try (Idx idx = Idx.open(f, 1)) {
                idx.readAll();
            }
        }, f.toString(), "corrupt or truncated gzip data");
    }

    @Test
    void rejectsTrailingBytesInRawFile() {
        Path f = file("long", concat(labels(new byte[] {1, 2, 3}), new byte[] {9, 9}), false);
        assertDataError(() -> Idx.open(f, 1), "2 trailing bytes", "after the 3 data bytes");
    }

    @Test
    void rejectsTrailingBytesInGzipContent() {
        Path f = file("long.gz", concat(labels(new byte[] {1, 2, 3}), new byte[] {9, 9}), true);
        try (Idx idx = Idx.open(f, 1)) {
            assertDataError(idx::readAll, "2 trailing bytes", "after the 3 data bytes");
        }
    }

    @Test
    void rejectsMissingFileAndDirectory() {
        Path missing = dir.resolve("nope");
        assertDataError(() -> Idx.open(missing, 1), missing.toString(), "no such file");
        assertDataError(() -> Idx.open(dir, 1), "is a directory");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void checksPinnedChecksumOfUncompressedContent(boolean gz) {
        byte[] content = labels(new byte[] {7, 7, 7});
        Path f = file("l", content, gz);
        try (Idx idx = Idx.open(f, 1, new Idx.Pinned(sha256(content), "unused"))) {
            idx.readAll();
        }
        String wrong = "00".repeat(32);
        try (Idx idx = Idx.open(f, 1, new Idx.Pinned(wrong, "fetch it again"))) {
            assertDataError(idx::readAll, f.toString(), "SHA-256", sha256(content), "expected " + wrong,
                    "fetch it again");
        }
    }
}
