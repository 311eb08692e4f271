package dev.rehearsal.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pixel placement in image grids, checked on the raster (gray levels as stored, without the colour
 * conversion {@code getRGB} applies to gray images).
 */
class ImageGridTest {
    private static final int SEP = ImageGrid.SEPARATOR;
    private static final int GRAY = ImageGrid.SEPARATOR_GRAY;

    private static int gray(BufferedImage image, int x, int y) {
        return image.getRaster().getSample(x, y, 0);
    }

    @Test
    void aKnownPixelLandsInItsCellUpscaled() {
        // 3 images of 2x3 in a 2x2 grid at scale 2: cells are 6 wide and 4 high, 2 px apart.
        int h = 2;
        int w = 3;
        float[] pixels = new float[3 * h * w];
        pixels[2 * h * w + 1 * w + 2] = 0.25f; // image 2 (row 1, column 0), y = 1, x = 2
        BufferedImage image = ImageGrid.fromFloats(pixels, 3, h, w, 2, 2, 2);
        assertEquals(2 * 6 + SEP, image.getWidth());
        assertEquals(2 * 4 + SEP, image.getHeight());
        int top = 4 + SEP; // second row of cells
        for (int dy = 0; dy < 2; dy++) {
            for (int dx = 0; dx < 2; dx++) {
                assertEquals(64, gray(image, 2 * 2 + dx, top + 2 + dy), "upscaled copy " + dx + "," + dy);
            }
        }
        assertEquals(0, gray(image, 3, top + 2), "the pixel left of it is black");
        assertEquals(0, gray(image, 4, top + 1), "the pixel above it is black");
        assertEquals(GRAY, gray(image, 6, 0), "separator between columns");
        assertEquals(GRAY, gray(image, 0, 4), "separator between rows");
        assertEquals(GRAY, gray(image, 6 + SEP + 1, top + 1), "the fourth cell has no image");
        assertEquals(0, gray(image, 6 + SEP, 0), "image 1 starts right after the separator");
    }

    @Test
    void everyPixelOfEveryImageIsFoundAtItsPlace() {
        int n = 7;
        int h = 3;
        int w = 4;
        int cols = 3;
        byte[] pixels = new byte[n * h * w];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i % 251); // distinct neighbours, values above 127 included
        }
        BufferedImage image = ImageGrid.fromBytes(pixels, n, h, w, 3, cols, 1);
        for (int k = 0; k < n; k++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int gx = (k % cols) * (w + SEP) + x;
                    int gy = (k / cols) * (h + SEP) + y;
                    assertEquals(pixels[k * h * w + y * w + x] & 0xFF, gray(image, gx, gy),
                            "image " + k + " pixel " + x + "," + y);
                }
            }
        }
    }

    @Test
    void floatsAreClampedAndNanIsBlack() {
        float[] pixels = {-1f, 0f, 0.5f, 1f, 2f, Float.NaN};
        BufferedImage image = ImageGrid.fromFloats(pixels, 1, 1, 6, 1, 1, 1);
        int[] got = new int[6];
        for (int x = 0; x < 6; x++) {
            got[x] = gray(image, x, 0);
        }
        assertArrayEquals(new int[] {0, 0, 128, 255, 255, 0}, got);
    }

    @Test
    void shapeMismatchesSayWhatWasExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.fromFloats(new float[100], 2, 28, 28, 1, 2, 1));
        assertTrue(e.getMessage().contains("1568") && e.getMessage().contains("got 100"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.fromBytes(new byte[16 * 4], 16, 2, 2, 3, 5, 1));
        assertTrue(e.getMessage().contains("16 images do not fit a 3x5 grid"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageGrid.fromBytes(new byte[4], 1, 2, 2, 1, 1, 0));
        assertTrue(e.getMessage().contains("scale=0"), e.getMessage());
    }

    @Test
    void writePngRoundTripsAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        byte[] pixels = {0, 50, (byte) 200, (byte) 255};
        Path file = dir.resolve("nested/grid.png");
        ImageGrid.writePng(file, ImageGrid.fromBytes(pixels, 4, 1, 1, 2, 2, 3));
        BufferedImage back = ImageIO.read(file.toFile());
        assertEquals(2 * 3 + SEP, back.getWidth());
        assertEquals(200, gray(back, 0, 3 + SEP), "image 2 at row 1, column 0");
        assertEquals(255, gray(back, 3 + SEP + 2, 3 + SEP + 2), "image 3, last upscaled pixel");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "only grid.png, no temporary file");
        }
    }
}
