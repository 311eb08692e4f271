package dev.rehearsal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that are either whole or absent: content goes to a temporary file beside the target
 * ({@link #temporary}), which is then renamed over it, so a reader (or a crash) never sees half a file; when
 * anything fails the temporary file is deleted. Results, reports, checkpoints and fetched data are all
 * written this way. A file written into an open {@link ResultsFolder} is first recorded in that folder's
 * manifest, so the folder always knows which of its files Rehearsal wrote.
 *
 * <p>No write follows a symbolic link: the file and its temporary file are refused when they are links, the
 * temporary file is created new ({@code CREATE_NEW}, {@code NOFOLLOW_LINKS}), and inside a results folder
 * every folder from the results folder down to the file is checked without following links (and created
 * one by one). A link is refused with exit code {@link RehearsalException#USAGE}, naming it.
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
        Path target = file.toAbsolutePath().normalize();
        Path folder = ResultsFolder.holding(target);
        if (folder != null) {
            directories(file, folder, target.getParent());
        } else if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        refuseLink(file, target);
        ResultsFolder.claim(target);
        writeUnlisted(file, target, body);
    }

    /** Writes {@code target} (absolute) through a new temporary file, refusing links; lists it nowhere. */
    static void writeUnlisted(Path file, Path target, Body body) throws IOException {
        refuseLink(file, target);
        Path tmp = temporary(target);
        OutputStream created = createNew(file, tmp);
        try {
            try (OutputStream out = created) {
                body.writeTo(out);
            }
            replace(tmp, target);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /**
     * Deletes {@code file}, a regular file Rehearsal wrote, if it exists: a link anywhere from its results
     * folder down to it is refused, and anything but a regular file (a folder, a link) is never deleted.
     */
    public static void delete(Path file) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        Path folder = ResultsFolder.holding(target);
        for (Path p = target; p != null && (folder == null ? p.equals(target) : p.startsWith(folder));
                p = p.getParent()) {
            refuseLink(file, p);
        }
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(target);
        } else if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileSystemException(file.toString(), null, "not a regular file, so not removed");
        }
    }

    /** Creates the folders from {@code folder} (a results folder) down to {@code dir}, refusing a link on the way. */
    private static void directories(Path file, Path folder, Path dir) throws IOException {
        if (!dir.startsWith(folder)) {
            throw new IllegalArgumentException(dir + " is not inside " + folder);
        }
        Path p = folder;
        refuseLink(file, p);
        for (Path name : folder.relativize(dir)) {
            if (name.toString().isEmpty()) {
                continue; // dir is the folder itself
            }
            p = p.resolve(name);
            refuseLink(file, p);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(p);
                } catch (FileAlreadyExistsException e) {
                    refuseLink(file, p); // made by someone else meanwhile
                }
            }
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(p.toString());
            }
        }
    }

    /** A new temporary file: a leftover regular one (a process died mid-write) is replaced, a link refused. */
    private static OutputStream createNew(Path file, Path tmp) throws IOException {
        try {
            return Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (FileAlreadyExistsException e) {
            refuseLink(file, tmp);
            if (!Files.isRegularFile(tmp, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            Files.delete(tmp);
            return Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** Refuses (exit code {@link RehearsalException#USAGE}) to write {@code file} when {@code p} is a link. */
    static void refuseLink(Path file, Path p) {
        if (Files.isSymbolicLink(p)) {
            throw new RehearsalException(RehearsalException.USAGE, "cannot write " + file + ": " + p + " is a link ("
                    + linkTarget(p) + "), and Rehearsal never writes, reads or deletes through a link in a results "
                    + "folder: remove the link, or choose another --out");
        }
    }

    /** Where a link points, in words. */
    public static String linkTarget(Path link) {
        try {
            return "to " + Files.readSymbolicLink(link);
        } catch (IOException e) {
            return "its target unreadable";
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
