package dev.rehearsal.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The checksums in {@link Corpus} and in {@code data/*.sha256} (read by the fetch scripts) are the same. */
class ChecksumFilesTest {
    private static final Pattern LINE = Pattern.compile("([0-9a-f]{64})  ([A-Za-z0-9._-]+)");

    @ParameterizedTest
    @EnumSource(Corpus.class)
    void constantsEqualTheChecksumFile(Corpus corpus) throws Exception {
        Path file = Path.of(corpus.checksumFile());
        assertTrue(Files.isRegularFile(file), file + " is missing");
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), file + ": not sha256sum format: '" + line + "'");
            parsed.put(m.group(2), m.group(1));
        }
        assertEquals(corpus.checksums(), parsed, file + " and Corpus." + corpus + " disagree");
        for (Split s : Split.values()) {
            assertTrue(parsed.containsKey(s.imagesFile()) && parsed.containsKey(s.labelsFile()), file.toString());
        }
    }
}
