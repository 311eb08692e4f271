package dev.rehearsal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files that are either whole or absent: content goes to a temporary file beside the target
 * ({@link #temporary}), which is then renamed over it, so a reader (or a crash) never sees half a file; when
 * anything fails the temporary file is deleted. Results, reports, checkpoints and fetched data are all
 * written this way. A file written into an open {@link ResultsFolder} is first recorded in that folder's
 * manifest, so the folder always knows which of its files Rehearsal wrote.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes the content of a file to a stream. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code content} to {@code file}, creating its directory; throws what the file system threw. */
    public static void write(Path file, byte[] content) throws IOException {
        write(file, out -> out.write(content));
    }

    /** Writes what {@code body} streams to {@code file}, creating its directory; throws what the file system threw. */
    public static void write(Path file, Body body) throws IOException {
        ResultsFolder.claim(file);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = temporary(file);
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                body.writeTo(out);
            }
            replace(tmp, file);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** The temporary file {@link #write} fills before renaming it to {@code file}. */
    public static Path temporary(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".tmp");
    }

    /** Renames {@code from} over {@code to}: atomically where the file system can (same directory). */
    public static void replace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The one-line error of a file that could not be written (exit code {@link RehearsalException#RUN}). */
    public static RehearsalException cannotWrite(Path file, IOException e) {
        return new RehearsalException(RehearsalException.RUN, "cannot write " + file + ": " + reason(e)
                + " (check that the folder is writable and the disk is not full)", e);
    }

    /** What went wrong, in words, with the path the file system complained about when it is another one. */
    public static String reason(IOException e) {
        if (!(e instanceof FileSystemException f)) {
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
        String what;
        if (e instanceof AccessDeniedException) {
            what = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            what = "no such file or directory";
        } else if (e instanceof FileAlreadyExistsException) {
            what = "a file is in the way";
        } else if (e instanceof DirectoryNotEmptyException) {
            what = "a non-empty directory is in the way";
        } else {
            what = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
        }
        // Our own temporary file is no news to the reader: only another path in the way is.
        Path in = f.getFile() == null ? null : Path.of(f.getFile()).getFileName();
        boolean other = in != null && !(in.toString().startsWith(".") && in.toString().endsWith(".tmp"));
        return other ? what + " (" + f.getFile() + ")" : what;
    }
}
