package dev.rehearsal.report;

import dev.rehearsal.RehearsalException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.IntUnaryOperator;
import javax.imageio.ImageIO;

/**
 * Grayscale images (the digits a replay buffer holds, the samples a generator draws) laid out as one grid:
 * image k goes to row {@code k / cols}, column {@code k % cols}; cells are separated by
 * {@link #SEPARATOR} pixels of {@link #SEPARATOR_GRAY}, and cells without an image are filled with that
 * gray too, so they do not pass for blank digits. Pixels are upscaled by an integer factor (nearest
 * neighbour) because a 28x28 digit is a speck on today's screens.
 *
 * <p>Input layout: {@code n} images of {@code height x width}, each row-major, one after the other
 * ({@code pixels[k * height * width + y * width + x]}).
 */
public final class ImageGrid {
    /** Pixels between neighbouring cells, after upscaling. */
    public static final int SEPARATOR = 2;
    /** Gray level (0 black .. 255 white) of separators and empty cells: MNIST digits are white on black. */
    public static final int SEPARATOR_GRAY = 128;
    /** Larger grids are a mistake (wrong shape or scale), not a picture anyone will look at. */
    private static final long MAX_PIXELS = 1L << 26;

    static {
        Output.headless();
    }

    private ImageGrid() {
    }

    /** From intensities in [0, 1] (values outside are clamped, NaN is black), e.g. a VAE's sigmoid outputs. */
    public static BufferedImage fromFloats(float[] pixels, int n, int height, int width, int rows, int cols,
            int scale) {
        check(pixels.length, n, height, width, rows, cols, scale);
        return layout(n, height, width, rows, cols, scale, i -> {
            float v = pixels[i];
            return v > 0 ? Math.round(Math.min(v, 1f) * 255f) : 0; // NaN > 0 is false: black
        });
    }

    /** From uint8 gray levels (0 black .. 255 white), as the datasets and the replay buffer store them. */
    public static BufferedImage fromBytes(byte[] pixels, int n, int height, int width, int rows, int cols,
            int scale) {
        check(pixels.length, n, height, width, rows, cols, scale);
        return layout(n, height, width, rows, cols, scale, i -> pixels[i] & 0xFF);
    }

    /**
     * Writes {@code image} as a PNG atomically (temporary file, then rename), creating missing directories.
     *
     * @throws RehearsalException (exit code {@link RehearsalException#RUN}) when the file cannot be written
     */
    public static void writePng(Path file, BufferedImage image) {
        Output.write(file, png(image));
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("this JVM has no PNG writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding in memory failed", e); // no I/O happens here
        }
        return bytes.toByteArray();
    }

    /**
     * A copy of {@code grid} (laid out by this class, {@code n} images) in colour with {@code text[k]} written
     * in the top-left corner of cell k, on a dark box, in yellow, or in red where {@code doubtful[k]}. The
     * layout is recovered from the image's size (square cells, {@link #SEPARATOR} between them); null when
     * no layout of {@code n} square cells fits it.
     */
    static BufferedImage annotated(BufferedImage grid, int n, String[] text, boolean[] doubtful) {
        int w = grid.getWidth();
        int h = grid.getHeight();
        for (int cols = 1; cols <= n; cols++) {
            int cellWidth = (w - (cols - 1) * SEPARATOR) / cols;
            int rows = (n + cols - 1) / cols;
            if (cellWidth < 1 || cols * cellWidth + (cols - 1) * SEPARATOR != w
                    || rows * cellWidth + (rows - 1) * SEPARATOR != h) {
                continue;
            }
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            boolean gray = grid.getType() == BufferedImage.TYPE_BYTE_GRAY;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // Gray levels copied as they are: drawing a linear-gray image would brighten it.
                    int v = gray ? grid.getRaster().getSample(x, y, 0) : -1;
                    out.setRGB(x, y, gray ? (v << 16) | (v << 8) | v : grid.getRGB(x, y));
                }
            }
            java.awt.Graphics2D g = out.createGraphics();
            try {
                g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING,
                        java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD,
                        Math.max(8, Math.min(13, cellWidth / 5))));
                java.awt.FontMetrics fm = g.getFontMetrics();
                for (int k = 0; k < Math.min(n, text.length); k++) {
                    int left = (k % cols) * (cellWidth + SEPARATOR);
                    int top = (k / cols) * (cellWidth + SEPARATOR);
                    g.setColor(new java.awt.Color(0, 0, 0, 170));
                    g.fillRect(left, top, Math.min(cellWidth, fm.stringWidth(text[k]) + 4), fm.getHeight());
                    g.setColor(doubtful[k] ? new java.awt.Color(0xFF6B6B) : new java.awt.Color(0xFFE14D));
                    g.drawString(text[k], left + 2, top + fm.getAscent());
                }
            } finally {
                g.dispose();
            }
            return out;
        }
        return null;
    }

    private static void check(int length, int n, int height, int width, int rows, int cols, int scale) {
        if (n < 1 || height < 1 || width < 1 || rows < 1 || cols < 1 || scale < 1) {
            throw new IllegalArgumentException(String.format("image grid needs n, height, width, rows, cols and "
                    + "scale >= 1, got n=%d height=%d width=%d rows=%d cols=%d scale=%d",
                    n, height, width, rows, cols, scale));
        }
        long expected = (long) n * height * width;
        if (length != expected) {
            throw new IllegalArgumentException(String.format("expected n*height*width = %d pixels (%d images of "
                    + "%dx%d), got %d: pass the n, height and width the pixel array was made with",
                    expected, n, height, width, length));
        }
        if (n > (long) rows * cols) {
            throw new IllegalArgumentException(String.format("%d images do not fit a %dx%d grid (%d cells): "
                    + "use rows = ceil(n / cols)", n, rows, cols, (long) rows * cols));
        }
        long gridPixels = size(cols, width, scale) * size(rows, height, scale);
        if (gridPixels > MAX_PIXELS) {
            throw new IllegalArgumentException(String.format("a %dx%d grid of %dx%d images at scale %d has %d "
                    + "pixels, more than %d: draw fewer images or a smaller scale",
                    rows, cols, height, width, scale, gridPixels, MAX_PIXELS));
        }
    }

    /** Pixels along one axis: {@code cells} cells of {@code extent * scale} with separators between them. */
    private static long size(int cells, int extent, int scale) {
        return (long) cells * extent * scale + (long) (cells - 1) * SEPARATOR;
    }

    /** {@code gray} maps an index into the input pixels to a gray level 0..255. */
    private static BufferedImage layout(int n, int height, int width, int rows, int cols, int scale,
            IntUnaryOperator gray) {
        int gridWidth = (int) size(cols, width, scale);
        int gridHeight = (int) size(rows, height, scale);
        BufferedImage image = new BufferedImage(gridWidth, gridHeight, BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((DataBufferByte) image.getRaster().getDataBuffer()).getData(); // [gridHeight, gridWidth]
        java.util.Arrays.fill(out, (byte) SEPARATOR_GRAY);
        for (int k = 0; k < n; k++) {
            int left = (k % cols) * (width * scale + SEPARATOR);
            int top = (k / cols) * (height * scale + SEPARATOR);
            int first = k * height * width;
            for (int y = 0; y < height * scale; y++) {
                int row = (top + y) * gridWidth + left;
                int src = first + (y / scale) * width;
                for (int x = 0; x < width * scale; x++) {
                    out[row + x] = (byte) gray.applyAsInt(src + x / scale);
                }
            }
        }
        return image;
    }
}
