package dev.rehearsal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.RehearsalException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report reads only the results folder's own files: a symbolic link inside it (a sample grid, its labels, the
 * sweep's or the results' JSON) is never followed, so nothing outside the folder is embedded in the page.
 */
class ReportLinksTest {

    private static byte[] png(int rgb) throws Exception {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 1, rgb);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static void results(Path dir) throws Exception {
        try (InputStream in = ReportLinksTest.class.getResourceAsStream("/report/results.json")) {
            Files.write(dir.resolve("results.json"), in.readAllBytes());
        }
    }

    @Test
    void aLinkedSampleGridIsNotEmbedded(@TempDir Path tmp) throws Exception {
        Path outside = Files.write(tmp.resolve("outside.png"), png(0x123456));
        Path own = Files.write(tmp.resolve("own.png"), png(0x654321));
        Path dir = Files.createDirectories(tmp.resolve("run"));
        results(dir);
        Path samples = Files.createDirectories(dir.resolve("samples"));
        Files.copy(own, samples.resolve("er-task1-replay.png"));
        Files.createSymbolicLink(samples.resolve("gr-task1-replay.png"), outside);
        String html = Files.readString(HtmlReport.write(dir), StandardCharsets.UTF_8);
        assertTrue(html.contains(Base64.getEncoder().encodeToString(Files.readAllBytes(own))), "its own grid is shown");
        assertFalse(html.contains(Base64.getEncoder().encodeToString(Files.readAllBytes(outside))),
                "the linked grid is not read");
    }

    @Test
    void aLinkedSamplesFolderIsNotRead(@TempDir Path tmp) throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.write(elsewhere.resolve("er-task1-replay.png"), png(0x123456));
        Path dir = Files.createDirectories(tmp.resolve("run"));
        results(dir);
        Files.createSymbolicLink(dir.resolve("samples"), elsewhere);
        String html = Files.readString(HtmlReport.write(dir), StandardCharsets.UTF_8);
        assertFalse(html.contains(Base64.getEncoder().encodeToString(Files.readAllBytes(
                elsewhere.resolve("er-task1-replay.png")))));
    }

    @Test
    void aLinkedResultsFileIsRefusedAndSaysWhy(@TempDir Path tmp) throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real"));
        results(real);
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Files.createSymbolicLink(dir.resolve("results.json"), real.resolve("results.json"));
        RehearsalException e = assertThrows(RehearsalException.class, () -> HtmlReport.write(dir));
        assertEquals(RehearsalException.RUN, e.exitCode());
        assertTrue(e.getMessage().contains("symbolic link") && e.getMessage().lines().count() == 1, e.getMessage());
        assertFalse(Files.exists(dir.resolve("report.html")));
    }
}
