package dev.rehearsal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.config.ShortRun;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frontier of a short sweep (frontier-quick: the seed preset, 60 steps a task) says so at the top of
 * frontier.md and in frontier.json, and sets no published point beside its measurements (DGR's 0.9035 holds for
 * the literature's protocol); a sweep on the full protocol keeps them, and one on another full protocol (Adam reset,
 * a growing head, a fixed class order) names the figures it does not draw and why. Built from sweep.json entries
 * and configs written out by hand.
 */
class FrontierShortTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ArrayNode experiments(List<String> shortReasons) {
        ArrayNode a = MAPPER.createArrayNode();
        String[][] points = {{"er", "binary", "64000", "0.80", "63700"}, {"er", "uint8", "64000", "0.60", "62700"},
            {"proto", "binary", "64000", "0.85", "63800"}};
        for (String[] p : points) {
            ObjectNode e = a.addObject();
            e.put("strategy", p[0]).put("setting", "class").put("seed", 1).put("status", "finished");
            e.putObject("options").put("strategy", p[0]).put("storage", p[1]).put("replay_budget",
                    Long.parseLong(p[2]));
            e.put("acc", Double.parseDouble(p[3])).put("replay_bytes", Long.parseLong(p[4]))
                    .put("training_macs", 1e10);
            e.putArray("class_order").add(0).add(1);
            ArrayNode why = e.putArray("short_reasons");
            shortReasons.forEach(why::add);
            e.put("short", !shortReasons.isEmpty());
        }
        return a;
    }

    /**
     * The literature's protocol as the published figures state it, key by key (published.json's protocol and
     * the class-IL head), for every experiment.
     */
    private static List<JsonNode> literature(int n) {
        ObjectNode c = MAPPER.createObjectNode().put("dataset", "mnist").put("scenario", "split")
                .put("classes-per-task", 2).put("preset", "wide").put("iterations", 2000).put("batch", 128)
                .put("optimizer", "adam").put("reset-optimizer", false).put("lr", 0.001).put("train-limit", 0)
                .put("test-limit", 0).put("quick", false).put("class-order", "random").put("head", "fixed")
                .put("setting", "class");
        return java.util.Collections.nCopies(n, c);
    }

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void aShortFrontierSaysSoAndSetsNoPublishedPointBesideIt(@TempDir Path dir) throws Exception {
        List<String> reasons = List.of("training data limited to 1,000 samples per task",
                "60 solver iterations per task (7,680 samples) where the seed preset's protocol has 2 epochs "
                        + "(about 24,000 samples)");
        Frontier.write(dir, experiments(reasons), literature(3), QUIET);
        String md = Files.readString(dir.resolve("frontier.md"));
        assertTrue(md.startsWith("# Memory-accuracy frontier\n\n**" + ShortRun.line(reasons) + "**\n\n"), md);
        assertFalse(md.contains("0.9035") || md.contains("DGR") || md.contains("(published)"), md);
        assertTrue(md.contains("No published reference points: they hold for the full protocol, and this sweep is "
                + "short."), md);
        JsonNode json = dev.rehearsal.SchemaCheck.assertValid(dir.resolve("frontier.json"));
        assertTrue(json.path("short").asBoolean());
        assertEquals(reasons.size(), json.path("short_reasons").size());
        assertEquals(0, json.path("published").size());
        assertFalse(json.path("answer").asText().contains("published"), json.path("answer").asText());
    }

    @Test
    void aFullFrontierKeepsThePublishedPoints(@TempDir Path dir) throws Exception {
        Frontier.write(dir, experiments(List.of()), literature(3), QUIET);
        String md = Files.readString(dir.resolve("frontier.md"));
        assertFalse(md.contains("Short configuration"), md);
        assertTrue(md.contains("- DGR (vdV 2022): ACC 0.9035"), md);
        // Published points of this sweep's setting only: class-IL ER's 0.8879, not domain-IL ER's 0.9375. ER's
        // figure is for 100 per class with no budget: the points' budgets and storage are their own, not the
        // protocol's.
        assertTrue(md.contains("ER, 100 per class (vdV 2022): ACC 0.8879") && !md.contains("0.9375"), md);
        JsonNode json = dev.rehearsal.SchemaCheck.assertValid(dir.resolve("frontier.json"));
        assertFalse(json.path("short").asBoolean());
        assertTrue(json.path("published").toString().contains("DGR (vdV 2022)"), json.toString());
        assertEquals(0, json.path("published_other_protocol").size());
    }

    /**
     * The frontier preset resets Adam at every task and grows its head, the published class-IL figures keep Adam
     * and have all ten units active: none is drawn, each is named with the keys that differ. One experiment on a
     * fixed class order is enough to lose them too.
     */
    @Test
    void aFullFrontierOnAnotherProtocolNamesThePublishedFiguresItDoesNotDraw(@TempDir Path dir) throws Exception {
        List<JsonNode> configs = new java.util.ArrayList<>(literature(3).stream()
                .map(c -> (JsonNode) ((ObjectNode) c.deepCopy()).put("reset-optimizer", true).put("head", "grow"))
                .toList());
        Frontier.write(dir, experiments(List.of()), configs, QUIET);
        String md = Files.readString(dir.resolve("frontier.md"));
        assertFalse(md.contains("ACC 0.9035") || md.contains("ACC 0.8879") || md.contains("(published)"), md);
        assertTrue(md.contains("- DGR (vdV 2022): reset-optimizer true (false), head grow (fixed)\n"), md);
        assertTrue(md.contains("- ER, 100 per class (vdV 2022): reset-optimizer true (false), head grow (fixed)\n"), md);
        JsonNode json = dev.rehearsal.SchemaCheck.assertValid(dir.resolve("frontier.json"));
        assertEquals(0, json.path("published").size());
        assertEquals(3, json.path("published_other_protocol").size(), json.toString());
        assertFalse(json.path("answer").asText().contains("published"), json.path("answer").asText());

        configs = new java.util.ArrayList<>(literature(3));
        configs.set(1, ((ObjectNode) configs.get(1).deepCopy()).put("class-order", "fixed"));
        Frontier.write(dir, experiments(List.of()), configs, QUIET);
        md = Files.readString(dir.resolve("frontier.md"));
        assertFalse(md.contains("ACC 0.9035"), md);
        assertTrue(md.contains("- DGR (vdV 2022): class-order fixed (random or reference)\n"), md);
        configs.set(1, ((ObjectNode) configs.get(1).deepCopy()).put("class-order", "reference"));
        Frontier.write(dir, experiments(List.of()), configs, QUIET);
        assertTrue(Files.readString(dir.resolve("frontier.md")).contains("- DGR (vdV 2022): ACC 0.9035"),
                "the reference implementation's orders are drawn per seed too");
    }
}
