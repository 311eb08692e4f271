package dev.rehearsal.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.AtomicFiles;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsFolder;
import dev.rehearsal.RunFolders;
import dev.rehearsal.config.ExperimentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The runs in results folders, for {@code rehearsal runs}: each results folder's command, start, status and the
 * key values of its config. A folder given is searched two levels deep (a results folder, a folder of runs such as
 * {@code results/compare}, or a folder of those such as {@code results}); nothing below it is reached through a
 * link, and a {@link RunFolders#LATEST} link is only read (its target's name), to mark the run it names.
 */
public final class RunListing {
    /** What became of a run, from its manifest and its lock. */
    public enum Status {
        FINISHED, RUNNING, INCOMPLETE, FAILED, DAMAGED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One run: its folder, command, start (UTC, as its manifest records it), status, what went wrong (the failed
     * run's error, or why the folder is damaged; null otherwise), its config's key values ({@code key=value}, the
     * options that differ from the defaults) and whether it is the run its {@code latest} link names.
     */
    public record Run(Path folder, String command, String started, Status status, String detail, List<String> config,
            boolean latest) {
    }

    /** Keys of how a run computed and reported, not what it ran: left out of a run's key values. */
    private static final Set<String> RUNTIME = Set.of("data", "out", "quiet", "threads", "gemm", "omp-wait",
            "backend", "omp_wait");
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    /** A config file is a few kB; a larger one is not read for a listing. */
    private static final long MAX_BYTES = 8L << 20;
    /** A finished run's top-level JSON files up to this size are parsed for a listing ({@link #damage}). */
    private static final long MAX_CHECKED_BYTES = 256L << 20;

    private RunListing() {
    }

    /**
     * The runs under {@code where}, oldest first.
     *
     * @throws RehearsalException exit code 2 when {@code where} does not exist or is not a folder
     */
    public static List<Run> of(Path where) {
        if (!Files.isDirectory(where)) {
            throw new RehearsalException(RehearsalException.USAGE, where + (Files.exists(where)
                    ? " is not a folder" : " does not exist") + ": give a results folder, or a folder of them");
        }
        List<Run> out = new ArrayList<>();
        collect(where, 2, out);
        out.sort(Comparator.comparing((Run r) -> r.started() == null ? "" : r.started())
                .thenComparing(r -> r.folder().getFileName().toString(), RunFolders.OLDEST_FIRST));
        return out;
    }

    private static void collect(Path dir, int depth, List<Run> out) {
        if (Files.exists(dir.resolve(ResultsFolder.MANIFEST), NOFOLLOW)) {
            Path latest = dir.resolveSibling(RunFolders.LATEST);
            boolean named = Files.isSymbolicLink(latest) && dir.getFileName() != null
                    && dir.getFileName().toString().equals(RunFolders.runNamed(latest));
            out.add(run(dir, named));
            return;
        }
        if (depth == 0) {
            return;
        }
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            // Not through links: a link is not followed, whatever it is (latest is read above, by name).
            children = s.filter(p -> Files.isDirectory(p, NOFOLLOW)).sorted().toList();
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.USAGE, "cannot list " + dir + ": " + AtomicFiles.reason(e));
        }
        for (Path c : children) {
            collect(c, depth - 1, out);
        }
    }

    private static Run run(Path dir, boolean latest) {
        ResultsFolder.Summary s;
        try {
            s = ResultsFolder.summary(dir);
        } catch (RehearsalException e) {
            return new Run(dir, null, null, Status.DAMAGED, e.getMessage(), List.of(), latest);
        }
        Status status = s.failed() != null ? Status.FAILED : s.running() ? Status.RUNNING
                : s.finished() != null ? Status.FINISHED : Status.INCOMPLETE;
        String damage = status == Status.FINISHED ? damage(dir, s.files()) : null;
        String detail = damage != null ? damage : status == Status.FINISHED ? missing(dir, s.files()) : s.failed();
        return new Run(dir, s.command(), s.started(), damage == null ? status : Status.DAMAGED, detail,
                keyValues(dir, s.command()), latest);
    }

    /** The files a run's results are read from (by report and the merges): one of them missing is damage. */
    private static final Set<String> RESULTS_FILES = Set.of("results.json", "sweep.json", "scale.json");

    /**
     * Why a finished run's folder can no longer be used as its manifest says, or null: a link anywhere in it (the
     * walk every refusal of a linked folder uses, {@link ResultsFolder#firstLink}; never followed), its results file
     * (results.json, sweep.json or scale.json) missing, or a top-level JSON file (those, config.json, grid.json ...)
     * that does not parse (cut short, overwritten). What the commands that read these files check beyond that
     * (schema, checksums) is theirs to say. Other files that are gone are {@link #missing}, not damage: a finished
     * run removes its checkpoints, and a folder may be trimmed by hand.
     */
    static String damage(Path dir, List<String> files) {
        try {
            Path link = ResultsFolder.firstLink(dir);
            if (link != null) {
                return dir.relativize(link) + " is a link (" + AtomicFiles.linkTarget(link) + "), not a file the run "
                        + "wrote";
            }
        } catch (IOException e) {
            return "it cannot be read: " + AtomicFiles.reason(e);
        }
        for (String f : files) {
            Path p = dir.resolve(f);
            boolean file = Files.isRegularFile(p, NOFOLLOW);
            if (RESULTS_FILES.contains(f) && !file) {
                return f + " is listed as written but " + (Files.exists(p, NOFOLLOW) ? "is not a file" : "is missing");
            }
            if (!file || !f.endsWith(".json") || f.contains("/")) {
                continue;
            }
            try {
                if (Files.size(p) > MAX_CHECKED_BYTES) {
                    continue; // not read for a listing; the command that reads it checks it
                }
                JsonNode root = Json.MAPPER.readTree(Files.readString(p, StandardCharsets.UTF_8));
                if (root == null || !root.isObject()) {
                    return f + " is not a JSON object";
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return f + " is not valid JSON (" + e.getOriginalMessage().split("\n")[0] + ")";
            } catch (IOException e) {
                return f + " cannot be read: " + AtomicFiles.reason(e);
            }
        }
        return null;
    }

    /** The top-level files a finished run's manifest lists that its folder no longer holds, as a note; or null. */
    static String missing(Path dir, List<String> files) {
        List<String> gone = files.stream().filter(f -> !f.contains("/"))
                .filter(f -> !Files.exists(dir.resolve(f), NOFOLLOW)).toList();
        return gone.isEmpty() ? null : "not in the folder (listed as written): " + String.join(", ", gone);
    }

    /**
     * The options of the run in {@code dir} that differ from the defaults (as {@code key=value}; a list comma
     * separated, a flag by its name or {@code no-} and its name), from its config.json (run, compare), the config
     * in its results.json or scale.json (profile, scale), or its grid.json (sweep: its fixed keys, then each grid
     * key with its number of values, and its points). Empty when none is readable.
     */
    static List<String> keyValues(Path dir, String command) {
        try {
            JsonNode config = read(dir.resolve("config.json"));
            boolean snake = false;
            if (config == null && "sweep".equals(command)) {
                return grid(read(dir.resolve("grid.json")));
            }
            if (config == null) {
                JsonNode results = read(dir.resolve("profile".equals(command) ? "results.json" : "scale.json"));
                config = results == null ? null : results.get("config");
                snake = true;
            }
            if (config == null || !config.isObject()) {
                return List.of();
            }
            ExperimentConfig d = defaults(config.path("setting").asText(""));
            JsonNode defaults = snake ? Json.config(d) : Json.MAPPER.valueToTree(d);
            List<String> out = new ArrayList<>();
            boolean single = "run".equals(command) || "profile".equals(command);
            for (Iterator<String> keys = config.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                String kebab = key.replace('_', '-');
                if (RUNTIME.contains(kebab) || (single ? kebab.equals("strategies") || kebab.equals("seeds")
                        : kebab.equals("strategy") || kebab.equals("seed"))) {
                    continue; // run and profile use strategy and seed; compare and scale their lists
                }
                JsonNode v = config.get(key);
                if (!v.toString().equals(defaults.path(key).toString())) {
                    out.add(keyValue(kebab, v));
                }
            }
            return out;
        } catch (RuntimeException e) {
            return List.of("(config unreadable: " + e.getMessage() + ")");
        }
    }

    /** The general defaults, with the run's setting (some options' defaults depend on it). */
    private static ExperimentConfig defaults(String setting) {
        ObjectNode keys = Json.MAPPER.createObjectNode();
        if (!setting.isEmpty()) {
            keys.put("setting", setting);
        }
        try {
            return ConfigFiles.resolve(keys, "defaults", false, c -> { }, c -> { });
        } catch (RehearsalException e) {
            return ConfigFiles.resolve(Json.MAPPER.createObjectNode(), "defaults", false, c -> { }, c -> { });
        }
    }

    private static List<String> grid(JsonNode g) {
        List<String> out = new ArrayList<>();
        if (g == null || !g.isObject()) {
            return out;
        }
        for (Iterator<String> keys = g.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            JsonNode v = g.get(key);
            switch (key) {
                case "grid" -> v.properties().forEach(e -> out.add("grid " + e.getKey() + " (" + e.getValue().size()
                        + (e.getValue().size() == 1 ? " value)" : " values)")));
                case "points" -> out.add(v.size() + (v.size() == 1 ? " point" : " points"));
                case "select", "evaluate" -> out.add(key);
                default -> {
                    if (!RUNTIME.contains(key)) {
                        out.add(keyValue(key, v));
                    }
                }
            }
        }
        return out;
    }

    private static String keyValue(String key, JsonNode v) {
        if (v.isBoolean()) {
            return v.asBoolean() ? key : "no-" + key;
        }
        if (v.isArray()) {
            List<String> items = new ArrayList<>();
            v.forEach(i -> items.add(i.asText()));
            return key + "=" + String.join(",", items);
        }
        return key + "=" + (v.isNull() ? "none" : v.asText());
    }

    /** A JSON file of the run's folder (a regular file, not a link), or null when there is none. */
    private static JsonNode read(Path file) {
        if (!Files.isRegularFile(file, NOFOLLOW)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file, NOFOLLOW)) {
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                return null;
            }
            return Json.MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(file.getFileName() + ": " + (e.getMessage() == null ? "unreadable"
                    : e.getMessage().lines().findFirst().orElse("")));
        }
    }
}
