package dev.rehearsal.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.experiment.Experiment;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a sweep's records are ({@code runs/<id>.json}, one sealed file per finished or failed experiment): finding
 * the grid's in a folder, under today's ids or an earlier build's; taking them from other sweeps' folders
 * ({@code --records-from}); and grouping finished ones by what experiments share apart from their seed (the dry
 * run's costs). Nothing here follows a link.
 */
public final class Records {
    private Records() {
    }

    /** The record file of an experiment. */
    public static Path record(Path dir, String id) {
        return dir.resolve("runs").resolve(id + ".json");
    }

    /** The files of {@code runs} named as records (runs/&lt;id&gt;.json), regular files only (no link), by name. */
    private static List<Path> recordFiles(Path runs) {
        try (var list = Files.list(runs)) {
            return list.filter(f -> f.getFileName().toString().matches("[0-9a-f]{" + Experiment.ID_LENGTH
                    + "}\\.json") && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted()
                    .toList();
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot list " + runs + ": "
                    + dev.rehearsal.AtomicFiles.reason(e), e);
        }
    }

    /**
     * The finished records in the runs/ of {@code folders} (regular files read without following links, each seal
     * verified), grouped by {@link Experiment#apartFromSeed}.
     */
    static Map<String, List<ObjectNode>> finishedBySiblings(List<Path> folders) {
        Map<String, List<ObjectNode>> out = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Path folder : folders) {
            Path runs = folder.resolve("runs");
            if (!Files.isDirectory(runs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            for (Path f : recordFiles(runs)) {
                ObjectNode o = Experiment.readSealedRecord(f);
                String key = Experiment.apartFromSeed(o);
                // One experiment counted once, whichever folders hold its record.
                if (key != null && o.path("status").asText().equals("finished")
                        && seen.add(f.getFileName().toString())) {
                    out.computeIfAbsent(key, k -> new ArrayList<>()).add(o);
                }
            }
        }
        return out;
    }

    /**
     * The folders a sweep may take records from, checked before anything is written: each a directory with a
     * runs/ folder (another sweep's results), not a link and holding none under runs/ (a record is never read
     * through a link), and not {@code out} itself. A one-line usage error otherwise.
     */
    public static List<Path> sources(List<Path> from, Path out) {
        List<Path> checked = new ArrayList<>();
        for (Path f : from) {
            Path abs = f.toAbsolutePath().normalize();
            Path runs = abs.resolve("runs");
            if (Files.isSymbolicLink(abs) || Files.isSymbolicLink(runs)) {
                throw new RehearsalException(RehearsalException.USAGE, "--records-from " + f + ": a link, and "
                        + "Rehearsal never reads a results folder through a link: give the folder itself");
            }
            if (!Files.isDirectory(runs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new RehearsalException(RehearsalException.USAGE, "--records-from " + f + ": "
                        + (Files.isDirectory(abs) ? "has no runs/ folder, so it is not a sweep's results folder"
                                : Files.exists(abs) ? "not a folder" : "no such folder"));
            }
            if (out != null && abs.equals(out.toAbsolutePath().normalize())) {
                throw new RehearsalException(RehearsalException.USAGE, "--records-from " + f + " is the --out "
                        + "folder itself: name the folders whose records this sweep should take");
            }
            Path link;
            try {
                link = dev.rehearsal.ResultsFolder.firstLink(runs);
            } catch (IOException e) {
                throw new RehearsalException(RehearsalException.USAGE, "--records-from " + f + ": cannot list "
                        + runs + ": " + dev.rehearsal.AtomicFiles.reason(e));
            }
            if (link != null) {
                throw new RehearsalException(RehearsalException.USAGE, "--records-from " + f + ": " + link
                        + " is a link, and Rehearsal never reads a record through a link: remove it");
            }
            if (!checked.contains(abs)) {
                checked.add(abs);
            }
        }
        return List.copyOf(checked);
    }

    /**
     * Takes into {@code dir} the record of every experiment of the grid (both stages) that {@code dir} lacks and
     * one of {@code sources} holds as runs/&lt;id&gt;.json (the first that has it): a regular file read without
     * following links, its seal verified, its config giving that very id, and not a failure (a failed experiment
     * is run again, not copied). The copy is written like every file of the folder (listed in its manifest, so
     * {@code --force} removes it); the sources are only read. A record that fails its checks ends the sweep with a
     * one-line error naming the file. Returns how many records were taken.
     */
    static int adopt(Path dir, Grid grid, List<Path> sources, PrintStream log) {
        int taken = 0;
        for (Map.Entry<String, Path> e : takeable(dir, grid, sources).entrySet()) {
            Path f = e.getValue();
            Path mine = record(dir, e.getKey());
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
                dev.rehearsal.AtomicFiles.write(mine, bytes);
            } catch (IOException ex) {
                throw new RehearsalException(RehearsalException.DATA, "cannot copy " + f + " to " + mine + ": "
                        + dev.rehearsal.AtomicFiles.reason(ex), ex);
            }
            Experiment.readSealedRecord(mine); // what was copied is what was checked
            log.println("sweep: took runs/" + e.getKey() + ".json from " + f.getParent().getParent());
            taken++;
        }
        return taken;
    }

    /**
     * What {@link #adopt} would take, by id: the record file of every experiment of the grid that {@code dir} (null:
     * none) lacks and one of {@code sources} holds under the same checks (the first source that has it). Reads
     * only; {@code --dry-run} shows these as taken, not to run.
     */
    static Map<String, Path> takeable(Path dir, Grid grid, List<Path> sources) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (Grid.Point p : grid.everyPoint()) {
            if (dir != null && Files.exists(record(dir, p.id()), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            for (Path source : sources) {
                Path f = record(source, p.id());
                if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                ObjectNode o = Experiment.readSealedRecord(f);
                if (!p.id().equals(Experiment.recordedId(o))) {
                    throw new RehearsalException(RehearsalException.DATA, f + ": its config is not that of "
                            + "experiment " + p.id() + ", whose name it has (renamed, or edited and resealed): not taken");
                }
                if (o.path("status").asText().equals("failed")) {
                    continue;
                }
                out.put(p.id(), f);
                break;
            }
        }
        return out;
    }

    /**
     * Where the records of the grid's experiments (both stages of one that selects) are in {@code dir}, by id: {@code runs/<id>.json}, or for an id without
     * one, a record an earlier build wrote under the id it gave the same experiment. Those are found by the
     * config they record, as today's id sees it ({@link Experiment#recordedId}): a grid point that set a key its
     * strategy does not read (per-class for naive) had an id of its own then. Only regular files named as
     * records are read, never through a link; among several records of one experiment, a finished one, then
     * the first by name. Ids with no record are absent.
     */
    static Map<String, Path> find(Path dir, Grid grid) {
        Map<String, Path> out = new LinkedHashMap<>();
        if (dir == null) {
            return out;
        }
        java.util.Set<String> missing = new java.util.LinkedHashSet<>();
        for (Grid.Point p : grid.everyPoint()) {
            Path f = record(dir, p.id());
            if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                out.put(p.id(), f);
            } else {
                missing.add(p.id());
            }
        }
        Path runs = dir.resolve("runs");
        if (missing.isEmpty() || !Files.isDirectory(runs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        List<Path> files = recordFiles(runs);
        Map<String, Path> earlier = new LinkedHashMap<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            String named = name.substring(0, Experiment.ID_LENGTH);
            if (out.containsKey(named) || missing.contains(named)) {
                continue; // today's record of an experiment of this grid
            }
            ObjectNode o = Experiment.readSealedRecord(f);
            String id = Experiment.recordedId(o);
            if (id != null && missing.contains(id)) {
                Path before = earlier.get(id);
                boolean finished = o.path("status").asText().equals("finished");
                if (before == null || finished && !Experiment.readSealedRecord(before).path("status").asText()
                        .equals("finished")) {
                    earlier.put(id, f);
                }
            }
        }
        out.putAll(earlier);
        return out;
    }
}
