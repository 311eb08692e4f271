package dev.rehearsal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a run goes when no {@code --out} is given, by the convention of Hydra's dated output folders, Lightning's
 * {@code version_N} and MLflow's run ids: a new folder of its own under {@code results/<command>/}, named by the
 * second it started in (UTC, {@code 2026-12-07_10-15-30}; {@code _2}, {@code _3} ... for later runs started in the
 * same second), created with one atomic {@code mkdir} so that two processes never share one, and never reused: a
 * default run never overwrites and never needs a flag.
 *
 * <p>A link {@value #LATEST} in {@code results/<command>/} names the newest run folder. It lives beside the run
 * folders, never inside one (the run root is not a results folder), and holds only the plain name of a sibling
 * folder. Nothing follows it implicitly: a path given on the command line whose component is such a link is
 * resolved into the folder it names, once, where the path enters ({@link #resolve}), and every check of results
 * folders (no link anywhere inside, nothing opened through a link) then applies to that folder. A {@value #LATEST}
 * that is anything else (a folder, a file, a link to somewhere else) is not Rehearsal's: it is never resolved,
 * replaced or removed.
 */
public final class RunFolders {
    /** The link to the newest run folder, beside the run folders. */
    public static final String LATEST = "latest";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss")
            .withZone(ZoneOffset.UTC);
    /** A run folder's name: its start second, then _N for the N-th run started in that second. */
    private static final Pattern NAME = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2})(?:_(\\d{1,6}))?");
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    /** Runs started in one second before a new one gives up (a clock that stands still). */
    private static final int MAX_PER_SECOND = 100_000;

    private RunFolders() {
    }

    /** Whether {@code name} is a run folder's name as {@link #openNew} makes them. */
    public static boolean isRunName(String name) {
        return NAME.matcher(name).matches();
    }

    /** Run folder names from oldest to newest: by start second, then by their number within it. */
    public static final Comparator<String> OLDEST_FIRST = Comparator.comparing((String n) -> {
        Matcher m = NAME.matcher(n);
        return m.matches() ? m.group(1) : n;
    }).thenComparingInt(n -> {
        Matcher m = NAME.matcher(n);
        return m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 1;
    });

    /**
     * Creates a new run folder of {@code command} under {@code root} ({@code results/<command>}), opens it as a
     * new run ({@link ResultsFolder.Mode#NEW}) and points {@value #LATEST} at it. A run that leaves nothing
     * ({@link ResultsFolder#discard}) takes its folder with it when it closes, and {@value #LATEST} goes back to
     * the newest run left.
     *
     * @throws RehearsalException exit code 2 when {@code root} cannot hold run folders: it is a file or a link, it
     *     is itself an earlier run's results folder (the layout before run folders), or its {@value #LATEST} is
     *     not Rehearsal's
     */
    public static ResultsFolder openNew(Path root, String command) {
        Path abs = root.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(abs)) {
            throw usage(root + " is a link (" + AtomicFiles.linkTarget(abs) + "): Rehearsal keeps run folders in a "
                    + "folder, never behind a link; give --out DIR");
        }
        if (Files.exists(abs, NOFOLLOW) && !Files.isDirectory(abs, NOFOLLOW)) {
            throw usage(root + " is a file, not a folder of runs: move it, or give --out DIR");
        }
        if (Files.exists(abs.resolve(ResultsFolder.MANIFEST), NOFOLLOW)) {
            throw usage(root + " holds the results of one earlier run (written before each run got a folder of its "
                    + "own under it): move them out of the way (mv " + root + " " + root + "-earlier), or give --out "
                    + "DIR");
        }
        ourLatest(root, abs); // refused before anything is created
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw usage("cannot create " + root + ": " + AtomicFiles.reason(e));
        }
        String stamp = STAMP.format(Instant.now());
        for (int n = 1; n <= MAX_PER_SECOND; n++) {
            String name = n == 1 ? stamp : stamp + "_" + n;
            Path dir = root.resolve(name);
            try {
                Files.createDirectory(dir); // atomic: of two processes, one creates it and the other moves on
            } catch (FileAlreadyExistsException e) {
                continue;
            } catch (IOException e) {
                throw usage("cannot create the run folder " + dir + ": " + AtomicFiles.reason(e));
            }
            ResultsFolder folder;
            try {
                folder = ResultsFolder.open(dir, command, ResultsFolder.Mode.NEW);
            } catch (RuntimeException | Error e) {
                deleteEmpty(dir, e);
                throw e;
            }
            folder.whenDiscarded(() -> {
                deleteEmpty(dir, null);
                pointLatestAtNewest(root);
            });
            try {
                pointLatest(root, name);
            } catch (RuntimeException | Error e) {
                folder.discard(e);
                folder.close();
                throw e;
            }
            return folder;
        }
        throw usage("more than " + MAX_PER_SECOND + " run folders under " + root + " for the second " + stamp
                + ": give --out DIR");
    }

    /**
     * {@code path} with each component that is Rehearsal's {@value #LATEST} link replaced by the run folder it
     * names (so {@code results/compare/latest/config.json} is read from {@code results/compare/<run>/config.json});
     * anything else unchanged, links included, for the checks downstream to refuse. Null stays null.
     */
    public static Path resolve(Path path) {
        if (path == null) {
            return null;
        }
        Path out = path.getRoot();
        for (Path name : path) {
            Path next = out == null ? name : out.resolve(name);
            if (name.toString().equals(LATEST) && Files.isSymbolicLink(next)) {
                String run = runNamed(next);
                if (run != null) {
                    next = out == null ? Path.of(run) : out.resolve(run);
                }
            }
            out = next;
        }
        return out;
    }

    /**
     * The run folder a {@value #LATEST} link names when it is Rehearsal's: its target is the plain name of a run
     * folder beside it, which is a folder (not a link) holding a results folder's manifest; null otherwise.
     */
    public static String runNamed(Path link) {
        Path target;
        try {
            target = Files.readSymbolicLink(link);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        if (target.getNameCount() != 1 || target.isAbsolute() || !isRunName(target.toString())) {
            return null;
        }
        Path run = link.resolveSibling(target.toString());
        return Files.isDirectory(run, NOFOLLOW) && Files.isRegularFile(run.resolve(ResultsFolder.MANIFEST), NOFOLLOW)
                ? target.toString() : null;
    }

    /** Run folders under {@code root} (folders, not links, with a run folder's name), oldest first. */
    public static List<Path> runs(Path root) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root, NOFOLLOW)) {
            return out;
        }
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> isRunName(p.getFileName().toString()) && Files.isDirectory(p, NOFOLLOW)).sorted(
                    Comparator.comparing(p -> p.getFileName().toString(), OLDEST_FIRST)).forEach(out::add);
        } catch (IOException e) {
            throw usage("cannot list " + root + ": " + AtomicFiles.reason(e));
        }
        return out;
    }

    /** Refuses a {@value #LATEST} in {@code root} that Rehearsal would not replace. */
    private static void ourLatest(Path root, Path abs) {
        Path latest = abs.resolve(LATEST);
        if (!Files.exists(latest, NOFOLLOW)) {
            return;
        }
        if (!Files.isSymbolicLink(latest)) {
            throw usage(root.resolve(LATEST) + " is a " + (Files.isDirectory(latest, NOFOLLOW) ? "folder" : "file")
                    + ", where Rehearsal keeps the link to the newest run: move it away, or give --out DIR");
        }
        Path target;
        try {
            target = Files.readSymbolicLink(latest);
        } catch (IOException e) {
            throw usage("cannot read the link " + root.resolve(LATEST) + ": " + AtomicFiles.reason(e));
        }
        if (target.getNameCount() != 1 || target.isAbsolute() || !isRunName(target.toString())) {
            throw usage(root.resolve(LATEST) + " is a link to " + target + ", which Rehearsal did not make (its "
                    + "link names a run folder beside it): remove it, or give --out DIR");
        }
    }

    /**
     * Points {@code root/latest} at the run folder {@code name}: a new link renamed over the old one, atomically.
     * On a file system without links there is no {@value #LATEST}, and runs are found by name ({@link #runs}).
     */
    private static void pointLatest(Path root, String name) {
        Path latest = root.resolve(LATEST);
        Path temporary = root.resolve("." + LATEST + "." + ProcessHandle.current().pid() + "." + System.nanoTime());
        try {
            Files.createSymbolicLink(temporary, Path.of(name));
        } catch (UnsupportedOperationException e) {
            return;
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.RUN, "cannot point " + latest + " at " + name + ": "
                    + AtomicFiles.reason(e), e);
        }
        try {
            Files.move(temporary, latest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw new RehearsalException(RehearsalException.RUN, "cannot point " + latest + " at " + name + ": "
                    + AtomicFiles.reason(e), e);
        }
    }

    /** After a run that left nothing: {@value #LATEST} names the newest run left, or goes when none is left. */
    private static void pointLatestAtNewest(Path root) {
        Path latest = root.resolve(LATEST);
        if (!Files.isSymbolicLink(latest) || runNamed(latest) != null) {
            return; // not ours, or still naming a run (another process's newer one)
        }
        List<Path> left = new ArrayList<>();
        for (Path run : runs(root)) {
            if (Files.isRegularFile(run.resolve(ResultsFolder.MANIFEST), NOFOLLOW)) {
                left.add(run);
            }
        }
        try {
            if (left.isEmpty()) {
                Files.delete(latest); // the link itself: delete never follows it
            } else {
                pointLatest(root, left.get(left.size() - 1).getFileName().toString());
            }
        } catch (IOException | RehearsalException e) {
            // The run's own outcome is what to report; a stale link is refused by nothing and fixed by the next run.
        }
    }

    /** Removes the run folder {@code dir} if nothing but this run's lock is left in it. */
    private static void deleteEmpty(Path dir, Throwable cause) {
        try {
            Files.deleteIfExists(dir.resolve(ResultsFolder.LOCK));
            Files.delete(dir);
        } catch (IOException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
    }

    private static RehearsalException usage(String message) {
        return new RehearsalException(RehearsalException.USAGE, message);
    }
}
