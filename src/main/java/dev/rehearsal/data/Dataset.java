package dev.rehearsal.data;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.nio.file.Path;

/**
 * One split of an image-classification dataset: {@code images U8 [N, D]} (D = rows * cols, row-major pixels)
 * in one block of an arena this dataset owns, allocated by the backend so its native gather can read it,
 * and {@code labels byte [N]} on the heap. Pixels are never converted here: batches are built by
 * {@link Backend#gather}. Closing the dataset frees the image block; the labels, on the heap, stay readable.
 */
public final class Dataset implements AutoCloseable {
    private final String name;
    private final Arena arena;
    private final Tensor images; // U8 [N, D]
    private final byte[] labels; // [N]
    private final int imageRows;
    private final int imageCols;

    private Dataset(String name, Arena arena, Tensor images, byte[] labels, int imageRows, int imageCols) {
        this.name = name;
        this.arena = arena;
        this.images = images;
        this.labels = labels;
        this.imageRows = imageRows;
        this.imageCols = imageCols;
    }

    /**
     * Reads an images file ({@code [N, rows, cols]}) and a labels file ({@code [N]}), raw or gzip, without
     * checksums. {@code name} (e.g. "mnist-train") names the arena; every label must be one of the data set's
     * {@code classes} (0 to classes - 1, at most 256), or the labels file is refused as corrupt.
     */
    public static Dataset load(Backend backend, String name, Path imagesFile, Path labelsFile, int classes) {
        return load(backend, name, imagesFile, labelsFile, classes, null, null);
    }

    /** As {@link #load(Backend, String, Path, Path, int)}, checking pinned checksums (either may be null). */
    static Dataset load(Backend backend, String name, Path imagesFile, Path labelsFile, int classes,
            Idx.Pinned imagesSum, Idx.Pinned labelsSum) {
        if (classes < 1 || classes > 256) {
            throw new IllegalArgumentException("uint8 labels hold 1 to 256 classes, got " + classes);
        }
        // Labels first: they are small, and their count is checked before the large image block is allocated.
        byte[] labels;
        try (Idx idx = Idx.open(labelsFile, 1, labelsSum)) {
            labels = idx.readAll();
        }
        checkLabels(labelsFile, labels, classes);
        try (Idx idx = Idx.open(imagesFile, 3, imagesSum)) {
            int[] dims = idx.dims();
            if (dims[0] != labels.length) {
                throw new RehearsalException(RehearsalException.DATA, imagesFile + " holds " + dims[0]
                        + " images but " + labelsFile + " holds " + labels.length
                        + " labels; expected equal counts: pair files of the same split (train-* or t10k-*)");
            }
            Arena arena = backend.newArena(name);
            try {
                Block block = arena.allocate("images", DType.U8, idx.dataBytes());
                idx.readInto(block, 0);
                return new Dataset(name, arena, Tensor.of(block, dims[0], dims[1] * dims[2]), labels, dims[1],
                        dims[2]);
            } catch (RuntimeException | Error e) {
                arena.close();
                throw e;
            }
        }
    }

    /** A label outside the classes would be silently left out of every task: refused, naming the first one. */
    private static void checkLabels(Path labelsFile, byte[] labels, int classes) {
        int first = -1;
        int outside = 0;
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xff) >= classes) {
                first = first < 0 ? i : first;
                outside++;
            }
        }
        if (outside > 0) {
            throw new RehearsalException(RehearsalException.DATA, labelsFile + ": label " + (labels[first] & 0xff)
                    + " at index " + first + " is outside the " + classes + " classes 0 to " + (classes - 1)
                    + (outside > 1 ? " (" + outside + " labels are)" : "") + "; the file is corrupt or not this "
                    + "data set's labels, replace it with an intact copy");
        }
    }

    /**
     * A dataset from arrays (synthetic data, tests): {@code pixels} holds {@code labels.length} images of
     * {@code rows x cols} bytes, row-major. Both arrays are copied.
     */
    public static Dataset of(Backend backend, String name, int rows, int cols, byte[] pixels, byte[] labels) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(name + ": image shape [" + rows + ", " + cols + "] must be positive");
        }
        long expected = (long) labels.length * rows * cols;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels of " + rows + "x" + cols
                    + " images need " + expected + " pixels, got " + pixels.length);
        }
        Arena arena = backend.newArena(name);
        try {
            Block block = arena.allocate("images", DType.U8, expected);
            block.writeBytes(0, pixels, 0, pixels.length);
            return new Dataset(name, arena, Tensor.of(block, labels.length, rows * cols), labels.clone(), rows,
                    cols);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** N: number of images (and labels). */
    public int size() {
        return labels.length;
    }

    /** D = imageRows * imageCols: pixels per image (784 for MNIST). */
    public int features() {
        return images.cols();
    }

    public int imageRows() {
        return imageRows;
    }

    public int imageCols() {
        return imageCols;
    }

    /** The pixels, {@code U8 [N, D]}: a view into this dataset's arena, valid until {@link #close()}. */
    public Tensor images() {
        checkOpen();
        return images;
    }

    /** The label of image {@code i}, in [0, 255]. */
    public int label(int i) {
        return labels[i] & 0xff;
    }

    /** A copy of all labels, {@code [N]}. */
    public byte[] labels() {
        return labels.clone();
    }

    /** Exact bytes of the image block. */
    public long imageBytes() {
        return images.block().bytes();
    }

    /** Exact bytes of the labels: one per image. */
    public long labelBytes() {
        return labels.length;
    }

    public boolean isClosed() {
        return arena.isClosed();
    }

    /** Frees the image block. */
    @Override
    public void close() {
        arena.close();
    }

    private void checkOpen() {
        if (arena.isClosed()) {
            throw new IllegalStateException("dataset '" + name + "' was used after close()");
        }
    }

    @Override
    public String toString() {
        return name + " [" + size() + ", " + imageRows + "x" + imageCols + "]";
    }
}
