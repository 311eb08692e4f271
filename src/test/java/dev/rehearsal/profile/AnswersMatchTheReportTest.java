package dev.rehearsal.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.experiment.Comparison;
import dev.rehearsal.experiment.Summary;
import dev.rehearsal.report.HtmlReport;
import dev.rehearsal.strategy.Progress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "What this run answers" uses the report's own definitions: every memory figure it quotes (MB, three
 * decimals) is one the page's tables or memory notes show, and every BWT it quotes is in the metrics table,
 * for a comparison of naive, joint, er and gr over two seeds (so means over seeds, not the first seed's
 * values, are what must match).
 */
class AnswersMatchTheReportTest {

    @Test
    void everyQuotedMemoryAndBwtIsInTheTables(@TempDir Path dir) throws Exception {
        Backend be = Backends.named("jvm");
        ExperimentConfig c = Synthetic.shortConfig("jvm", List.of("naive", "joint", "er", "gr"), 6, 48, 20);
        c.seeds = List.of(1L, 2L);
        c.validate();
        Summary summary;
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 30, 71);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 10, 72)) {
            summary = Comparison.run(c, dir, be, train, test, Progress.NONE, (png, s) -> { }, Answers::of, false);
        }
        List<String> answers = Answers.of(summary);
        assertEquals(4, answers.size(), "one paragraph per question");
        String html = Files.readString(HtmlReport.write(dir), StandardCharsets.UTF_8);
        int from = html.indexOf("id=\"metrics\"");
        assertTrue(from > 0);
        String tables = html.substring(from).replaceAll("<[^>]+>", " ");

        List<String> memory = find("(\\d+\\.\\d{3}) MB", answers);
        assertFalse(memory.isEmpty());
        for (String mb : memory) {
            assertTrue(tables.contains(" " + mb + " ") || tables.contains(mb + " MB"),
                    mb + " MB is quoted by the answers but shown nowhere in the tables or memory notes");
        }
        List<String> bwt = find("BWT (-?\\d\\.\\d{4})", answers);
        assertEquals(2, bwt.size(), "er's and gr's, next to joint: " + answers);
        for (String v : bwt) {
            assertTrue(tables.contains(" " + v + " ") || tables.contains(" " + v + " ±"),
                    "BWT " + v + " is not the metrics table's (mean over seeds)");
        }
    }

    /** Every first group of {@code regex} in the paragraphs, except growth per task (a difference of two). */
    private static List<String> find(String regex, List<String> paragraphs) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(String.join(" ", paragraphs).replaceAll(
                "grows by \\d+\\.\\d{3} MB per task", ""));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
