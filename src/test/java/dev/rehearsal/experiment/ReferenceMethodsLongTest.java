package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The literature's protocol in the class-incremental setting (wide preset, 2000 iterations a task, 100
 * exemplars per class, seeds 1-3, one thread) for A-GEM, iCaRL and experience replay with herding, against the
 * 3-seed means measured on 2026-12-01 (the commands in each figure's comment). As in
 * {@link FullCompareTest}, the mean of three seeds must lie within 2 x std / sqrt(3) + 0.003 of the measured
 * mean. About 15 minutes on 2 cores; tagged long ({@code mvn -B verify -Dgroups=long -DexcludedGroups=}).
 */
@Tag("long")
class ReferenceMethodsLongTest {
    private static final String[] PROTOCOL = {"--preset", "wide", "--iterations", "2000", "--per-class", "100",
        "--seeds", "1,2,3", "--setting", "class", "--threads", "1", "--quiet"};

    /** A strategy's measured ACC: mean and sample std over seeds 1-3. */
    private record Measured(String strategy, double mean, double std) {
    }

    /** {@code compare --preset wide --iterations 2000 --per-class 100 --strategies agem,icarl --seeds 1,2,3 --setting class --threads 1}. */
    private static final List<Measured> AGEM_ICARL = List.of(
            new Measured("agem", 0.7084, 0.0043),
            new Measured("icarl", 0.9077, 0.0050));

    /** The same with {@code --strategies er --selection herding}. */
    private static final Measured ER_HERDING = new Measured("er", 0.8604, 0.0031);

    @Test
    void classIncrementalReferenceMethodsMatchTheirMeasuredMeans(@TempDir Path out) throws Exception {
        List<String> failures = new ArrayList<>();
        StringBuilder table = new StringBuilder("literature protocol, class-IL, seeds 1-3\n");
        JsonNode a = compare(out.resolve("agem-icarl"), "--strategies", "agem,icarl");
        for (Measured m : AGEM_ICARL) {
            check(table, failures, m, acc(a, m.strategy()));
        }
        JsonNode e = compare(out.resolve("er-herding"), "--strategies", "er", "--selection", "herding");
        check(table, failures, ER_HERDING, acc(e, "er"));
        System.out.println(table);
        assertTrue(failures.isEmpty(), table + String.join("\n", failures));
    }

    private static void check(StringBuilder table, List<String> failures, Measured m, double got) {
        double tolerance = 2 * m.std() / Math.sqrt(3) + 0.003;
        table.append(String.format(Locale.ROOT, "  %-6s measured %.4f, now %.4f (tolerance %.4f)%n", m.strategy(),
                m.mean(), got, tolerance));
        if (Math.abs(got - m.mean()) > tolerance) {
            failures.add(m.strategy() + ": ACC " + got + " is not within " + tolerance + " of " + m.mean());
        }
    }

    private static JsonNode compare(Path out, String... strategies) throws Exception {
        String[] args = new String[1 + strategies.length + PROTOCOL.length + 2];
        args[0] = "compare";
        System.arraycopy(strategies, 0, args, 1, strategies.length);
        System.arraycopy(PROTOCOL, 0, args, 1 + strategies.length, PROTOCOL.length);
        args[args.length - 2] = "--out";
        args[args.length - 1] = out.toString();
        Cli r = Cli.run(args);
        assertEquals(0, r.exitCode(), r.err());
        return new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
    }

    private static double acc(JsonNode root, String strategy) {
        for (JsonNode s : root.get("results")) {
            if (s.get("strategy").asText().equals(strategy)) {
                return s.get("acc").asDouble();
            }
        }
        throw new AssertionError("no results for " + strategy);
    }
}
