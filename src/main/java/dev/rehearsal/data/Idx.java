package dev.rehearsal.data;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One IDX file (the MNIST format of LeCun et al.) opened for a single pass: a big-endian header
 * {@code 0x00 0x00 type rank}, then {@code rank} int32 dimensions, then the elements row-major. Only
 * unsigned bytes (type 0x08) are accepted; labels are rank 1 {@code [N]}, images rank 3 {@code [N, rows, cols]}.
 *
 * <p>Raw and gzip files are told apart by the gzip magic bytes, never by the name. The header is checked
 * before anything is allocated (positive dimensions, at most {@link #MAX_ELEMENTS} elements, a raw file of
 * exactly the promised size); gzip content is streamed, so a file is never held twice in memory. Reading the
 * data checks for truncation, trailing bytes and, when a checksum is pinned, the SHA-256 of the uncompressed
 * content. Every failure is a {@link RehearsalException} ({@code DATA}) that names the file.
 */
public final class Idx implements AutoCloseable {
    /** The most elements a file may hold: the largest Java array, so labels and heap blocks can take it. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** Deflate cannot shrink data by more than about 1032:1, so a gzip header promising more is corrupt. */
    private static final long MAX_GZIP_RATIO = 1032;
    private static final int UBYTE = 0x08;
    private static final int BUFFER = 1 << 16;
    private static final int CHUNK = 1 << 20;
    private static final String REFETCH = "replace it with an intact copy";

    /** A SHA-256 the uncompressed content must have, and what to tell the user when it does not. */
    record Pinned(String sha256, String hint) {
    }

    private final Path file;
    private final boolean gzip;
    private final InputStream in;
    private final MessageDigest digest;
    private final Pinned pinned;
    private final int[] dims;
    private final long dataBytes;
    private boolean consumed;

    private Idx(Path file, boolean gzip, InputStream in, MessageDigest digest, Pinned pinned, int[] dims) {
        this.file = file;
        this.gzip = gzip;
        this.in = in;
        this.digest = digest;
        this.pinned = pinned;
        this.dims = dims;
        this.dataBytes = product(dims, 0);
    }

    /** Opens {@code file} and validates its header for an unsigned-byte IDX array of the given rank. */
    public static Idx open(Path file, int rank) {
        return open(file, rank, null);
    }

    /** As {@link #open(Path, int)}; {@code pinned} (nullable) is checked once all data was read. */
    static Idx open(Path file, int rank, Pinned pinned) {
        if (rank < 1 || rank > 255) {
            throw new IllegalArgumentException("IDX rank must be in [1, 255], got " + rank);
        }
        if (Files.isDirectory(file)) {
            throw fail(file, "is a directory, expected an IDX file; pass the path of the file itself");
        }
        InputStream raw = null;
        boolean gzip = false;
        try {
            long fileBytes = Files.size(file);
            raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
            gzip = hasGzipMagic(raw);
            InputStream content = gzip ? new GZIPInputStream(raw, BUFFER) : raw;
            MessageDigest digest = null;
            if (pinned != null) {
                digest = sha256();
                content = new DigestInputStream(content, digest);
            }
            int[] dims = readHeader(file, content, rank, gzip);
            checkSize(file, dims, gzip, fileBytes);
            return new Idx(file, gzip, content, digest, pinned, dims);
        } catch (IOException e) {
            closeQuietly(raw);
            throw unreadable(file, e, gzip);
        } catch (RuntimeException e) {
            closeQuietly(raw);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    public boolean isGzip() {
        return gzip;
    }

    /** The header's dimensions, e.g. {@code [60000, 28, 28]}. */
    public int[] dims() {
        return dims.clone();
    }

    /** The first dimension: how many items (images, labels) the file holds. */
    public int count() {
        return dims[0];
    }

    /** Elements per item: the product of the dimensions after the first. */
    public long itemSize() {
        return product(dims, 1);
    }

    /** Bytes of data after the header. */
    public long dataBytes() {
        return dataBytes;
    }

    /** Reads all data into a new array of exactly {@link #dataBytes()} bytes (for labels: small files). */
    public byte[] readAll() {
        startReading();
        byte[] out = new byte[Math.toIntExact(dataBytes)];
        try {
            readFully(out, 0, out.length, 0);
            finish();
        } catch (IOException e) {
            throw unreadable(file, e, gzip);
        }
        return out;
    }

    /** Streams all data into {@code block} from element {@code offset}, in chunks (for images: large files). */
    public void readInto(Block block, long offset) {
        if (block.dtype() != DType.U8) {
            throw new IllegalArgumentException(block + " is not U8");
        }
        if (offset < 0 || block.length() - offset < dataBytes) {
            throw new IllegalArgumentException(block + " has no room for " + dataBytes + " bytes at " + offset);
        }
        startReading();
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(dataBytes, 1))];
        try {
            for (long done = 0; done < dataBytes; ) {
                int n = (int) Math.min(chunk.length, dataBytes - done);
                readFully(chunk, 0, n, done);
                block.writeBytes(offset + done, chunk, 0, n);
                done += n;
            }
            finish();
        } catch (IOException e) {
            throw unreadable(file, e, gzip);
        }
    }

    @Override
    public void close() {
        closeQuietly(in);
    }

    private void startReading() {
        if (consumed) {
            throw new IllegalStateException(file + " was already read: an Idx is a single pass");
        }
        consumed = true;
    }

    /** Fills {@code buf[off, off + len)}; {@code done} is how many data bytes came before, for the message. */
    private void readFully(byte[] buf, int off, int len, long done) throws IOException {
        int got = 0;
        while (got < len) {
            int n = in.read(buf, off + got, len - got);
            if (n < 0) {
                throw fail(file, "truncated: the header " + shape(dims) + " promises " + dataBytes
                        + " data bytes, found only " + (done + got) + "; " + REFETCH);
            }
            got += n;
        }
    }

    /** Checks that nothing follows the data and, if pinned, the checksum. */
    private void finish() throws IOException {
        byte[] scratch = new byte[BUFFER];
        long trailing = 0;
        for (int n; (n = in.read(scratch)) >= 0; ) {
            trailing += n;
        }
        if (trailing > 0) {
            throw fail(file, trailing + " trailing bytes after the " + dataBytes + " data bytes that the header "
                    + shape(dims) + " promises; the header or the file is corrupt, " + REFETCH);
        }
        if (pinned != null) {
            String found = HexFormat.of().formatHex(digest.digest());
            if (!found.equalsIgnoreCase(pinned.sha256())) {
                throw fail(file, "SHA-256 of the " + (gzip ? "uncompressed " : "") + "content is " + found
                        + ", expected " + pinned.sha256() + "; " + pinned.hint());
            }
        }
    }

    private static int[] readHeader(Path file, InputStream in, int rank, boolean gzip) throws IOException {
        byte[] magic = new byte[4];
        int got = readUpTo(in, magic);
        if (got == 0) {
            throw fail(file, "is empty" + (gzip ? " (after decompression)" : "") + ", expected an IDX header; "
                    + REFETCH);
        }
        if (got < 4) {
            throw fail(file, "too short for an IDX file: expected a 4-byte magic number, found " + got
                    + " bytes; " + REFETCH);
        }
        int expected = (UBYTE << 8) | rank;
        String expectedText = String.format("expected IDX magic 0x%08X (unsigned bytes, rank %d)", expected, rank);
        int found = ((magic[0] & 0xff) << 24) | ((magic[1] & 0xff) << 16) | ((magic[2] & 0xff) << 8)
                | (magic[3] & 0xff);
        if (magic[0] != 0 || magic[1] != 0) {
            throw fail(file, String.format("not an IDX file: %s, found 0x%08X; check the path", expectedText, found));
        }
        int type = magic[2] & 0xff;
        if (type != UBYTE) {
            throw fail(file, String.format("%s, found 0x%08X: element type 0x%02X (%s) where 0x08 (unsigned byte)"
                    + " is needed; use a uint8 IDX file", expectedText, found, type, typeName(type)));
        }
        int foundRank = magic[3] & 0xff;
        if (foundRank != rank) {
            throw fail(file, String.format("%s, found 0x%08X: rank %d (%s) where rank %d (%s) is needed;"
                    + " check that the images and labels files are not swapped", expectedText, found, foundRank,
                    rankName(foundRank), rank, rankName(rank)));
        }
        byte[] header = new byte[4 * rank];
        got = readUpTo(in, header);
        if (got < header.length) {
            throw fail(file, "truncated header: rank " + rank + " needs " + header.length
                    + " bytes of dimensions after the magic number, found " + got + "; " + REFETCH);
        }
        int[] dims = new int[rank];
        for (int d = 0; d < rank; d++) {
            int i = 4 * d;
            dims[d] = ((header[i] & 0xff) << 24) | ((header[i + 1] & 0xff) << 16) | ((header[i + 2] & 0xff) << 8)
                    | (header[i + 3] & 0xff);
        }
        for (int d = 0; d < rank; d++) {
            if (dims[d] <= 0) {
                // Shown unsigned as well: a negative int32 here is usually a huge or garbled size.
                throw fail(file, "dimension " + d + " of the header " + shape(dims) + " is " + dims[d]
                        + " (unsigned " + Integer.toUnsignedString(dims[d]) + "), expected a positive size; "
                        + "the header is corrupt, " + REFETCH);
            }
        }
        return dims;
    }

    /** Rejects sizes that cannot be right before a single byte is allocated. */
    private static void checkSize(Path file, int[] dims, boolean gzip, long fileBytes) {
        long elements = product(dims, 0);
        if (elements > MAX_ELEMENTS) {
            throw fail(file, "the header " + shape(dims) + " promises " + exactProduct(dims) + " elements, more than"
                    + " the " + MAX_ELEMENTS + " this toolkit can hold; the header is corrupt, " + REFETCH);
        }
        if (gzip) {
            long most = fileBytes * MAX_GZIP_RATIO + BUFFER;
            if (elements > most) {
                throw fail(file, "the header " + shape(dims) + " promises " + elements + " data bytes, but a gzip"
                        + " file of " + fileBytes + " bytes cannot decompress to more than about " + most
                        + "; the header is corrupt, " + REFETCH);
            }
            return;
        }
        long available = fileBytes - 4 - 4L * dims.length;
        if (elements > available) {
            throw fail(file, "truncated: the header " + shape(dims) + " promises " + elements + " data bytes, found "
                    + "only " + available + " (file of " + fileBytes + " bytes); " + REFETCH);
        }
        if (elements < available) {
            throw fail(file, (available - elements) + " trailing bytes after the " + elements + " data bytes that "
                    + "the header " + shape(dims) + " promises; the header or the file is corrupt, " + REFETCH);
        }
    }

    /** Product of {@code dims[from..]}, saturating just past the limit so it never overflows. */
    private static long product(int[] dims, int from) {
        long p = 1;
        for (int d = from; d < dims.length; d++) {
            p *= dims[d];
            if (p > MAX_ELEMENTS) {
                return MAX_ELEMENTS + 1;
            }
        }
        return p;
    }

    /** The true product, for messages about headers too large to hold. */
    private static BigInteger exactProduct(int[] dims) {
        BigInteger p = BigInteger.ONE;
        for (int d : dims) {
            p = p.multiply(BigInteger.valueOf(d));
        }
        return p;
    }

    private static boolean hasGzipMagic(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    private static int readUpTo(InputStream in, byte[] buf) throws IOException {
        int got = 0;
        while (got < buf.length) {
            int n = in.read(buf, got, buf.length - got);
            if (n < 0) {
                break;
            }
            got += n;
        }
        return got;
    }

    static String shape(int[] dims) {
        return Arrays.toString(dims);
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "int16";
            case 0x0C -> "int32";
            case 0x0D -> "float32";
            case 0x0E -> "float64";
            default -> "unknown";
        };
    }

    private static String rankName(int rank) {
        return switch (rank) {
            case 1 -> "labels";
            case 3 -> "images";
            default -> "neither labels nor images";
        };
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    static RehearsalException fail(Path file, String detail) {
        return new RehearsalException(RehearsalException.DATA, file + ": " + detail);
    }

    /** Maps an I/O failure to a one-line message with a hint. */
    static RehearsalException unreadable(Path file, IOException e, boolean gzip) {
        String detail;
        if (e instanceof NoSuchFileException) {
            detail = "no such file; check the path";
        } else if (e instanceof AccessDeniedException) {
            detail = "permission denied; make the file readable";
        } else if (gzip && (e instanceof EOFException || e instanceof ZipException)) {
            detail = "corrupt or truncated gzip data (" + e.getMessage() + "); " + REFETCH;
        } else {
            detail = "cannot read (" + e + "); check the file";
        }
        return new RehearsalException(RehearsalException.DATA, file + ": " + detail, e);
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // Nothing was written, so a failed close loses nothing.
            }
        }
    }
}
