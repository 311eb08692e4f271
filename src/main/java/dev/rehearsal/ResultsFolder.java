package dev.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A results folder, owned by one command at a time. Every file in it belongs to the run that wrote it:
 * <ul>
 * <li>{@value #MANIFEST} marks the folder as Rehearsal's and lists every file Rehearsal wrote into it
 *     (each file is listed before its first byte is written, by {@link AtomicFiles}), the command, and
 *     whether it finished;</li>
 * <li>{@value #LOCK} is locked ({@link FileChannel#tryLock}) while a command writes the folder and names
 *     that process; the operating system releases the lock when the process dies, however it dies.</li>
 * </ul>
 * Opening a folder ({@link Mode}): a new run needs a folder that does not exist or is empty; a folder
 * holding anything Rehearsal did not write is refused and left untouched. An earlier run's folder is
 * replaced only with {@link Mode#FORCE}, which removes exactly the files its manifest lists (and refuses,
 * removing nothing, when the folder also holds other files); {@link Mode#RESUME} continues the run in it.
 * A folder in use by another process is refused with that process's pid, host and start time. Refusals
 * have exit code {@link RehearsalException#USAGE}, a damaged manifest {@link RehearsalException#DATA}.
 *
 * <p>Nothing in a results folder is a way out of it: a folder that is itself a link, lies inside another
 * results folder, or holds a link anywhere is refused before anything is written or removed; the lock and
 * the manifest are opened without following links; the manifest carries the SHA-256 of its content
 * ({@value #SHA256}), so an edited list of files is refused as damaged; and --force removes only regular
 * files the manifest lists.
 */
public final class ResultsFolder implements AutoCloseable {
    /** The marker and list of the files Rehearsal wrote into the folder. */
    public static final String MANIFEST = ".rehearsal-manifest.json";
    /** Locked while a command writes the folder; holds a line naming that process. */
    public static final String LOCK = ".rehearsal.lock";
    private static final String FORMAT = "rehearsal results folder";
    /** 2: the manifest carries its checksum. */
    private static final int VERSION = 2;
    /** Set by {@link #fail}: when and with what error the command stopped, leaving what it wrote. */
    private static final String FAILED = "failed";
    /** The manifest's checksum: SHA-256 of its JSON, written compactly without this key. */
    private static final String SHA256 = "sha256";
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Open folders by absolute path: {@link #claim} records a write into the folder that contains it. */
    private static final Map<Path, ResultsFolder> OPEN = new ConcurrentHashMap<>();

    /** How a command opens its folder. */
    public enum Mode {
        /** A new run: the folder must not exist, or be empty. */
        NEW,
        /** A new run that may replace an earlier run's folder (exactly the files that run wrote). */
        FORCE,
        /** Continue the run in the folder (its files are kept). */
        RESUME,
        /** Add to an earlier run's folder, finished or not, as {@code report} does (its manifest is kept). */
        UPDATE
    }

    private final Path dir;
    private final Path absolute;
    private final Mode mode;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ObjectNode manifest;
    private final Set<String> files = new LinkedHashSet<>();
    /**
     * The manifest in memory differs from the one on disk (a resumed folder is no longer finished): written with
     * the first file the command writes, even one the manifest already lists, so that a resume refused before
     * writing anything leaves the folder as it was.
     */
    private boolean manifestChanged;
    /** Set by {@link #discard}: the run left nothing. */
    private boolean discarded;
    /** What {@link #close} does after the lock is released when the run left nothing (a run folder's removal). */
    private Runnable whenDiscarded;

    private ResultsFolder(Path dir, Path absolute, Mode mode, FileChannel lockChannel, FileLock lock,
            ObjectNode manifest) {
        this.dir = dir;
        this.absolute = absolute;
        this.mode = mode;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.manifest = manifest;
        this.manifestChanged = mode == Mode.RESUME;
    }

    /** The folder as the user named it. */
    public Path dir() {
        return dir;
    }

    /**
     * Opens {@code dir} for {@code command} (run, compare, scale, profile) and locks it until {@link #close}.
     *
     * @throws RehearsalException exit code 2 when the folder cannot be used (see the class comment), 3 when its
     *     manifest is damaged
     */
    public static ResultsFolder open(Path dir, String command, Mode mode) {
        if (dir == null || dir.toString().isBlank()) {
            throw usage("the results folder must be a path, got '" + (dir == null ? "" : dir) + "' (give --out DIR)");
        }
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(abs)) {
            throw usage("the results folder " + dir + " is a link (" + AtomicFiles.linkTarget(abs) + "), and Rehearsal "
                    + "never follows a link for a results folder: give the folder itself, or another --out");
        }
        if (Files.exists(abs, NOFOLLOW) && !Files.isDirectory(abs, NOFOLLOW)) {
            throw usage("the results folder " + dir + " is a file, not a folder: choose another --out");
        }
        for (Path p = abs.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(MANIFEST), NOFOLLOW)) {
                throw usage("the results folder " + dir + " is inside " + p + ", the results folder of an earlier "
                        + "run (it has " + MANIFEST + "): choose an --out outside it");
            }
        }
        if (Files.isDirectory(abs, NOFOLLOW)) {
            refuseLinks(dir, abs); // before the lock file: nothing is opened through a link
        }
        if (mode == Mode.UPDATE && !Files.isRegularFile(abs.resolve(MANIFEST), NOFOLLOW)) {
            throw usage("cannot write into " + dir + ": " + (Files.isDirectory(abs, NOFOLLOW)
                    ? "it is not a Rehearsal results folder (it has no " + MANIFEST + ")" : "it does not exist")
                    + "; give --out DIR to write into a new folder");
        }
        if (mode == Mode.RESUME && !Files.isRegularFile(abs.resolve(MANIFEST), NOFOLLOW)) {
            throw usage("nothing to resume in " + dir + ": " + (Files.isDirectory(abs, NOFOLLOW)
                    ? "it is not a Rehearsal results folder (it has no " + MANIFEST + ")" : "it does not exist")
                    + "; give the --out folder of an interrupted run");
        }
        if (mode != Mode.RESUME && mode != Mode.UPDATE && Files.isDirectory(abs, NOFOLLOW) && !Files.exists(abs.resolve(MANIFEST), NOFOLLOW)
                && !isEmpty(abs)) {
            throw foreign(dir); // before the lock file: nothing is written into someone else's folder
        }
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw usage("cannot create the results folder " + dir + ": " + AtomicFiles.reason(e));
        }
        Path lockFile = abs.resolve(LOCK);
        boolean lockExisted = Files.exists(lockFile, NOFOLLOW);
        FileChannel ch;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, NOFOLLOW);
        } catch (IOException e) {
            throw usage("cannot write into the results folder " + dir + ": " + AtomicFiles.reason(e));
        }
        FileLock lock = null;
        try {
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this very process holds it
            }
            if (lock == null) {
                throw usage("the results folder " + dir + " is in use by " + holder(lockFile)
                        + ": wait for it to finish, or choose another --out");
            }
            ObjectNode old = readManifest(abs, dir);
            ObjectNode manifest = decide(dir, abs, command, mode, old);
            ResultsFolder folder = new ResultsFolder(dir, abs, mode, ch, lock, manifest);
            for (JsonNode f : manifest.path("files")) {
                folder.files.add(f.asText());
            }
            folder.writeHolder(command);
            if (mode == Mode.NEW || mode == Mode.FORCE) {
                folder.writeManifest(); // a resumed or updated folder's is rewritten with its next file: a refused
                                        // resume leaves it as it was
            }
            if (OPEN.putIfAbsent(abs, folder) != null) {
                throw new IllegalStateException(abs + " is open twice in this process");
            }
            return folder;
        } catch (IOException e) {
            closeQuietly(ch);
            throw usage("cannot lock the results folder " + dir + ": " + AtomicFiles.reason(e));
        } catch (RuntimeException | Error e) {
            closeQuietly(ch);
            if (!lockExisted && lock != null && !Files.exists(abs.resolve(MANIFEST), NOFOLLOW)) {
                try {
                    Files.deleteIfExists(lockFile); // we made it, in a folder that is not ours
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    /**
     * What a results folder's manifest says of its run, for listings: the command, when it started, was last
     * resumed and finished (null when it did not), the error it failed with (null when it did not), and whether
     * another process holds its lock now (it is running), and the files it lists as written (relative paths).
     */
    public record Summary(String command, String started, String resumed, String finished, String failed,
            boolean running, List<String> files) {
    }

    /**
     * The {@link Summary} of the results folder {@code dir}, read as {@link #open} reads it (no link followed,
     * the checksum checked), writing nothing; null when {@code dir} holds no manifest.
     *
     * @throws RehearsalException exit code 3 when the manifest is damaged
     */
    public static Summary summary(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        ObjectNode m = readManifest(abs, dir);
        if (m == null) {
            return null;
        }
        return new Summary(m.path("command").asText(), textOrNull(m, "started"), textOrNull(m, "resumed"),
                textOrNull(m, "finished"), m.has(FAILED) ? m.path(FAILED).path("error").asText() : null,
                heldByAnother(abs.resolve(LOCK)), listed(m));
    }

    private static List<String> listed(JsonNode m) {
        List<String> files = new ArrayList<>();
        m.path("files").forEach(f -> files.add(f.asText()));
        return List.copyOf(files);
    }

    private static String textOrNull(JsonNode m, String key) {
        return m.hasNonNull(key) ? m.get(key).asText() : null;
    }

    /** Whether another process holds the lock: a shared lock is refused (taken for an instant otherwise). */
    private static boolean heldByAnother(Path lockFile) {
        if (!Files.isRegularFile(lockFile, NOFOLLOW)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.READ, NOFOLLOW)) {
            FileLock l = ch.tryLock(0, Long.MAX_VALUE, true);
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this process holds it
        } catch (IOException e) {
            return false;
        }
    }

    /** The manifest of the run about to start, after removing an earlier run's files where asked to. */
    private static ObjectNode decide(Path dir, Path abs, String command, Mode mode, ObjectNode old) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        if (mode == Mode.UPDATE) {
            if (old == null) {
                throw usage("cannot write into " + dir + ": it is not a Rehearsal results folder (it has no "
                        + MANIFEST + ")");
            }
            return old;
        }
        if (mode == Mode.RESUME) {
            if (old == null) {
                throw usage("nothing to resume in " + dir + ": it is not a Rehearsal results folder (it has no "
                        + MANIFEST + ")");
            }
            String was = old.path("command").asText();
            if (!resumable(was)) {
                throw usage("nothing to resume in " + dir + ": it holds the results of 'rehearsal " + was
                        + "', which cannot be resumed");
            }
            if (!was.equals(command)) {
                throw usage("'rehearsal " + command + "' cannot resume " + dir + ": it holds " + (old.hasNonNull(
                        "finished") ? "a finished" : "an unfinished") + " 'rehearsal " + was + "'"
                        + (old.hasNonNull("finished") ? "" : ", which 'rehearsal " + was + " --resume " + dir
                        + "' continues"));
            }
            if (old.hasNonNull("finished") && !was.equals("sweep") && !was.equals("scale")) {
                // A sweep (and scale, which runs one) runs again into its folder to retry what failed or add
                // points; a run or compare is done.
                throw usage("nothing to resume in " + dir + ": its 'rehearsal " + was + "' finished ("
                        + old.path("finished").asText() + "); run it again without --resume (in a new folder of "
                        + "its own), or with --out " + dir + " --force to replace it");
            }
            old.remove("finished");
            old.remove(FAILED);
            old.put("resumed", now);
            return old;
        }
        if (old == null) {
            if (!isEmpty(abs)) {
                throw foreign(dir);
            }
        } else if (mode == Mode.FORCE) {
            removeEarlierRun(dir, abs, old);
        } else {
            String was = old.path("command").asText();
            if (old.hasNonNull("finished")) {
                throw usage("the results folder " + dir + " holds the results of an earlier 'rehearsal " + was
                        + "' (finished " + old.path("finished").asText() + "): add --force to replace them, or "
                        + "choose another --out");
            }
            throw usage("the results folder " + dir + " holds an unfinished 'rehearsal " + was + "' (started "
                    + old.path("started").asText() + "): " + (resumable(was) ? "'rehearsal " + was + " --resume "
                    + dir + "' continues it, " : "") + "add --force to replace it, or choose another --out");
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        m.put("command", command);
        m.put("started", now);
        m.putArray("files");
        return m;
    }

    private static boolean resumable(String command) {
        return command.equals("run") || command.equals("compare") || command.equals("sweep")
                || command.equals("scale");
    }

    /**
     * Removes the files an earlier run's manifest lists (and their temporary files), then the folders that
     * leaves empty. Refuses, removing nothing, when the folder holds a file the manifest does not list.
     */
    private static void removeEarlierRun(Path dir, Path abs, ObjectNode old) {
        List<Path> listed = new ArrayList<>();
        Set<Path> ours = new java.util.HashSet<>(List.of(abs.resolve(MANIFEST), abs.resolve(LOCK),
                AtomicFiles.temporary(abs.resolve(MANIFEST))));
        for (JsonNode f : old.path("files")) {
            Path p = inside(abs, dir, f.asText());
            listed.add(p);
            ours.add(p);
            ours.add(AtomicFiles.temporary(p));
        }
        for (Path p : listed) {
            if (Files.exists(p, NOFOLLOW) && !Files.isRegularFile(p, NOFOLLOW)) {
                throw usage("the results folder " + dir + " lists " + abs.relativize(p) + " as a file it wrote, but "
                        + "it is not a regular file: move it out or choose another --out; nothing was removed");
            }
        }
        List<String> others;
        try (Stream<Path> s = Files.walk(abs)) {
            others = s.filter(p -> !Files.isDirectory(p, NOFOLLOW))
                    .filter(p -> !ours.contains(p)).map(p -> abs.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw usage("cannot list the results folder " + dir + ": " + AtomicFiles.reason(e));
        }
        if (!others.isEmpty()) {
            throw usage("the results folder " + dir + " holds " + others.size() + " file(s) Rehearsal did not write ("
                    + String.join(", ", others.subList(0, Math.min(3, others.size())))
                    + (others.size() > 3 ? ", ..." : "") + "): move them out or choose another --out; nothing was "
                    + "removed");
        }
        remove(dir, abs, listed);
    }

    /**
     * Removes files (and their temporary files), then the folders inside {@code abs} that leaves empty. Only
     * regular files and folders are removed, and a link on the way is refused: nothing outside is touched.
     */
    private static void remove(Path dir, Path abs, List<Path> listed) {
        Path current = null;
        try {
            for (Path p : listed) {
                current = p;
                deleteOwn(dir, abs, p);
                current = AtomicFiles.temporary(p);
                deleteOwn(dir, abs, current);
            }
            for (Path p : listed) {
                for (Path d = p.getParent(); d != null && d.startsWith(abs) && !d.equals(abs); d = d.getParent()) {
                    current = d;
                    if (!Files.isDirectory(d, NOFOLLOW)) {
                        continue;
                    }
                    try {
                        Files.delete(d);
                    } catch (DirectoryNotEmptyException e) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.RUN, "cannot remove " + current + " from " + dir + ": "
                    + AtomicFiles.reason(e), e);
        }
    }

    /** Deletes {@code p}, a regular file inside {@code abs} reached through no link, if it exists. */
    private static void deleteOwn(Path dir, Path abs, Path p) throws IOException {
        for (Path q = p; q.startsWith(abs); q = q.getParent()) {
            if (Files.isSymbolicLink(q)) {
                throw linked(dir, abs, q);
            }
        }
        if (Files.isRegularFile(p, NOFOLLOW)) {
            Files.delete(p);
        }
    }

    /**
     * Refuses (exit code {@link RehearsalException#USAGE}) a folder holding a symbolic link anywhere inside:
     * Rehearsal reads, writes, locks and deletes nothing through a link in a results folder.
     */
    public static void refuseLinks(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(abs)) {
            throw usage("the results folder " + dir + " is a link (" + AtomicFiles.linkTarget(abs) + "), and "
                    + "Rehearsal never follows a link for a results folder: give the folder itself");
        }
        refuseLinks(dir, abs);
    }

    private static void refuseLinks(Path dir, Path abs) {
        Path link;
        try {
            link = firstLink(abs);
        } catch (IOException e) {
            throw usage("cannot list the results folder " + dir + ": " + AtomicFiles.reason(e));
        }
        if (link != null) {
            throw linked(dir, abs, link);
        }
    }

    /**
     * The first link found under {@code tree} ({@code tree} itself included), walking it without following any;
     * null when there is none. The one walk behind every refusal of a folder that holds a link.
     */
    public static Path firstLink(Path tree) throws IOException {
        try (Stream<Path> s = Files.walk(tree)) { // does not follow links
            return s.filter(Files::isSymbolicLink).findFirst().orElse(null);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static RehearsalException linked(Path dir, Path abs, Path link) {
        return usage("the results folder " + dir + " is refused: " + dir.resolve(abs.relativize(link)) + " is a link ("
                + AtomicFiles.linkTarget(link) + "), and Rehearsal never reads, writes, locks or deletes through a "
                + "link in a results folder: remove the link or choose another --out; nothing was changed");
    }

    /** A path the manifest lists, which must be a file inside the folder. */
    private static Path inside(Path abs, Path dir, String entry) {
        Path rel = Path.of(entry);
        Path p = abs.resolve(rel).normalize();
        if (entry.isBlank() || rel.isAbsolute() || !rel.normalize().equals(rel) || !p.startsWith(abs)
                || p.equals(abs)) {
            throw corrupt(dir, "it lists '" + entry + "', which is not a file inside the folder");
        }
        return p;
    }

    private static ObjectNode readManifest(Path abs, Path dir) {
        Path file = abs.resolve(MANIFEST);
        if (!Files.exists(file, NOFOLLOW)) {
            return null;
        }
        JsonNode m;
        try {
            m = JSON.readTree(readNoFollow(file));
        } catch (IOException e) {
            throw corrupt(dir, "it is not valid JSON (" + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? j.getOriginalMessage() : AtomicFiles.reason(e)) + ")");
        }
        if (m == null || !m.isObject() || !FORMAT.equals(m.path("format").asText())) {
            throw corrupt(dir, "it is not a Rehearsal manifest (expected \"format\": \"" + FORMAT + "\")");
        }
        int version = m.path("version").asInt(-1);
        if (version != VERSION && version != 1) {
            throw corrupt(dir, "version " + m.path("version") + " is not " + VERSION + " (written by another version "
                    + "of Rehearsal?)");
        }
        if (!m.path("files").isArray() || !m.path("command").isTextual()) {
            throw corrupt(dir, "it has no \"files\" list or no \"command\"");
        }
        for (JsonNode f : m.path("files")) {
            if (!f.isTextual()) {
                throw corrupt(dir, "its \"files\" list holds " + f + ", not a path");
            }
            inside(abs, dir, f.asText());
        }
        ObjectNode o = (ObjectNode) m;
        if (version == 1) {
            // Written before manifests carried a checksum (2026-12-06): nothing to verify it against, so it is read
            // as it is (its files still have to lie inside the folder, and nothing is ever deleted through a link
            // or unless it is a regular file), and written back as version 2, with one.
            o.put("version", VERSION);
            return o;
        }
        JsonNode sum = o.remove(SHA256);
        if (sum == null || !sum.isTextual()) {
            throw corrupt(dir, "it has no \"" + SHA256 + "\" checksum");
        }
        if (!sum.asText().equals(checksum(o))) {
            throw corrupt(dir, "its content does not match its SHA-256 checksum, so it was altered or damaged");
        }
        return o;
    }

    /** SHA-256 of the manifest's compact JSON, without its checksum key. */
    private static String checksum(ObjectNode manifest) {
        ObjectNode copy = manifest.deepCopy();
        copy.remove(SHA256);
        try {
            byte[] json = JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(copy);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot checksum the manifest: " + e.getMessage(), e);
        }
    }

    /** A file's text, refusing to open it through a link. */
    private static String readNoFollow(Path file) throws IOException {
        try (var in = Files.newInputStream(file, NOFOLLOW)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static boolean isEmpty(Path abs) {
        try (Stream<Path> s = Files.list(abs)) {
            // The lock, and a manifest half written by a run that died opening the folder, are no one's data.
            Set<Path> ignored = Set.of(abs.resolve(LOCK), AtomicFiles.temporary(abs.resolve(MANIFEST)));
            return s.allMatch(ignored::contains);
        } catch (IOException e) {
            throw usage("cannot list the results folder " + abs + ": " + AtomicFiles.reason(e));
        }
    }

    /** Who holds a lock, from the line its holder wrote. */
    private static String holder(Path lockFile) {
        try {
            String line = readNoFollow(lockFile).strip();
            return line.isEmpty() ? "another process (it has not named itself yet)" : line;
        } catch (IOException e) {
            return "another process";
        }
    }

    private void writeHolder(String command) throws IOException {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "an unknown host";
        }
        String line = "process " + ProcessHandle.current().pid() + " on " + host + " ('rehearsal " + command
                + "', since " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ")\n";
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), 0);
        lockChannel.force(false);
    }

    /**
     * Records that {@code file} is about to be written, in the manifest of the open folder holding it (if
     * any). Called by {@link AtomicFiles} before every write.
     */
    static void claim(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path folder = holding(abs);
        if (folder != null) {
            OPEN.get(folder).record(folder.relativize(abs).toString());
        }
    }

    /** The absolute path of the open results folder holding {@code file}, or null. */
    static Path holding(Path file) {
        if (OPEN.isEmpty()) {
            return null;
        }
        Path abs = file.toAbsolutePath().normalize();
        for (Path p = abs.getParent(); p != null; p = p.getParent()) {
            if (OPEN.containsKey(p)) {
                return p;
            }
        }
        return null;
    }

    private synchronized void record(String rel) {
        if (!rel.equals(MANIFEST) && !rel.equals(LOCK) && (files.add(rel) | manifestChanged)) {
            manifestChanged = false;
            writeManifest();
        }
    }

    /**
     * The command stopped with {@code error} and leaves what it wrote (a run that diverged, a sweep with failed
     * experiments): recorded in the manifest, so {@code rehearsal runs} lists the folder as failed. A later run
     * that resumes the folder clears it.
     */
    public synchronized void fail(String error) {
        ObjectNode f = manifest.putObject(FAILED);
        f.put("at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        f.put("error", error == null ? "" : error.replaceAll("\\s*[\\r\\n]+\\s*", "; ").trim());
        writeManifest();
    }

    /** The command finished: a later run into this folder needs {@link Mode#FORCE}. */
    public synchronized void finish() {
        manifest.put("finished", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        writeManifest();
    }

    private synchronized void writeManifest() {
        manifest.remove(SHA256);
        ArrayNode list = manifest.putArray("files");
        files.forEach(list::add);
        manifest.put(SHA256, checksum(manifest));
        try {
            byte[] json = JSON.writeValueAsBytes(manifest);
            AtomicFiles.writeUnlisted(dir.resolve(MANIFEST), absolute.resolve(MANIFEST), out -> out.write(json));
        } catch (IOException e) {
            throw AtomicFiles.cannotWrite(dir.resolve(MANIFEST), e);
        }
    }

    /**
     * For a run that failed before producing anything worth keeping: removes every file it wrote and the
     * manifest, so the folder is as it was before (a resumed run's folder is kept for the next --resume).
     * A failure to remove is added to {@code cause}, the error to report.
     */
    public synchronized void discard(Throwable cause) {
        if (mode == Mode.RESUME || mode == Mode.UPDATE) {
            return;
        }
        discarded = true;
        List<Path> written = new ArrayList<>();
        for (String f : files) {
            written.add(absolute.resolve(f));
        }
        try {
            remove(dir, absolute, written);
            deleteOwn(dir, absolute, absolute.resolve(MANIFEST));
            files.clear();
        } catch (IOException | RehearsalException e) {
            cause.addSuppressed(e);
        }
    }

    /** Runs {@code action} when this folder closes after {@link #discard} (a run folder that is removed then). */
    synchronized void whenDiscarded(Runnable action) {
        this.whenDiscarded = action;
    }

    /** Releases the lock (the folder stays as it is: finished, or unfinished for --resume). */
    @Override
    public void close() {
        OPEN.remove(absolute, this);
        try {
            lockChannel.truncate(0); // nobody holds it now
        } catch (IOException e) {
            // The line is informational; the lock itself goes with the channel.
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.RUN, "cannot release the lock of " + dir + ": "
                    + AtomicFiles.reason(e), e);
        }
        Runnable action;
        synchronized (this) {
            action = discarded && files.isEmpty() ? whenDiscarded : null;
        }
        if (action != null) {
            action.run();
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // Closing releases any lock; nothing else to do.
        }
    }

    private static RehearsalException usage(String message) {
        return new RehearsalException(RehearsalException.USAGE, message);
    }

    private static RehearsalException foreign(Path dir) {
        return usage("the results folder " + dir + " is not empty and was not written by Rehearsal (it has no "
                + MANIFEST + "): choose a new or empty folder with --out; nothing in it was changed");
    }

    private static RehearsalException corrupt(Path dir, String what) {
        return new RehearsalException(RehearsalException.DATA, dir.resolve(MANIFEST) + " is damaged: " + what
                + "; remove the folder or choose another --out");
    }
}
