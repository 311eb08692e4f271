package dev.rehearsal.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal streaming reader of POSIX ustar archives (what {@code npm pack} and GNU tar write): 512-byte
 * headers, each followed by its content padded to 512 bytes. It knows names (with the ustar prefix), sizes
 * (octal or base-256) and types, and verifies each header's checksum. Extension headers (pax, GNU long
 * names) are returned as entries of their own type and not interpreted, so an entry with a name over 100
 * characters that is not split into a ustar prefix shows its truncated name.
 */
final class TarReader {
    private static final int BLOCK = 512;

    /** One archive member; {@code type} is the ustar type flag ('0' file, '5' directory, ...). */
    record Entry(String name, long size, char type, long headerOffset) {
        boolean isFile() {
            return type == '0' || type == '\0' || type == '7';
        }
    }

    private final InputStream in;
    private final String source;
    private final byte[] header = new byte[BLOCK];
    private long position;
    private long remaining; // content bytes of the current entry not read yet
    private long padding;   // bytes after the content up to the next header
    private boolean ended;

    /** {@code source} names the archive in messages. */
    TarReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The next entry, or null at the end of the archive; skips whatever was left of the previous one. */
    Entry next() throws IOException {
        if (ended) {
            return null;
        }
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        long offset = position;
        int got = readUpTo(header);
        if (got == 0) {
            // Archives should end with two zero blocks; a bare end of stream after a whole entry is tolerated.
            ended = true;
            return null;
        }
        if (got < BLOCK) {
            throw new EOFException(source + ": truncated tar header at byte " + offset + " (" + got + " of 512 bytes)");
        }
        if (isZero(header)) {
            ended = true;
            return null;
        }
        long stored = parseNumber(header, 148, 8, offset, "checksum");
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
        }
        if (sum != stored) {
            throw new IOException(source + ": corrupt tar header at byte " + offset + " (checksum " + stored
                    + ", computed " + sum + ")");
        }
        String name = text(header, 0, 100);
        if (text(header, 257, 5).equals("ustar")) {
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        long size = parseNumber(header, 124, 12, offset, "size");
        char type = (char) (header[156] & 0xff);
        remaining = size;
        padding = (BLOCK - size % BLOCK) % BLOCK;
        return new Entry(name, size, type, offset);
    }

    /** The content of the entry {@link #next()} returned last; reading past its size gives end of stream. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException(source + ": truncated tar entry (" + remaining + " bytes missing)");
                }
                remaining -= n;
                position += n;
                return n;
            }
        };
    }

    private void skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 1 << 16)];
        while (n > 0) {
            int got = in.read(scratch, 0, (int) Math.min(n, scratch.length));
            if (got < 0) {
                throw new EOFException(source + ": truncated tar archive at byte " + position);
            }
            n -= got;
            position += got;
        }
    }

    private int readUpTo(byte[] buf) throws IOException {
        int got = 0;
        while (got < buf.length) {
            int n = in.read(buf, got, buf.length - got);
            if (n < 0) {
                break;
            }
            got += n;
        }
        position += got;
        return got;
    }

    /** A numeric field: octal digits padded with spaces or NULs, or base-256 when the top bit is set. */
    private long parseNumber(byte[] h, int off, int len, long headerOffset, String field) throws IOException {
        if ((h[off] & 0x80) != 0) {
            long v = h[off] & 0x3f;
            for (int i = off + 1; i < off + len; i++) {
                if (v >>> 55 != 0) {
                    throw new IOException(source + ": tar " + field + " too large at byte " + headerOffset);
                }
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        boolean digits = false;
        for (int i = off; i < off + len; i++) {
            int c = h[i] & 0xff;
            if (c >= '0' && c <= '7') {
                v = v * 8 + (c - '0');
                digits = true;
            } else if (c == ' ' || c == 0) {
                if (digits) {
                    break;
                }
            } else {
                throw new IOException(source + ": corrupt tar " + field + " field at byte " + headerOffset);
            }
        }
        return v;
    }

    private static String text(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
