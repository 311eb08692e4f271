package dev.rehearsal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.RehearsalException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property-based fuzzing of the IDX reader: arbitrary bytes, and valid files with mutated headers or
 * truncated or extended bodies, raw or gzipped. Whatever the input, the reader either reads exactly what
 * the header promises or refuses with a one-line RehearsalException, never another exception and never a
 * huge allocation.
 */
class IdxFuzzTest {

    /** A valid rank-3 uint8 file of n images of r x c. */
    private static byte[] valid(int n, int r, int c) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * r * c);
        b.putInt(0x00000803).putInt(n).putInt(r).putInt(c);
        for (int i = 0; i < n * r * c; i++) {
            b.put((byte) i);
        }
        return b.array();
    }

    private static void readOrRefuse(byte[] content, boolean gzip, int rank) throws Exception {
        Path f = Files.createTempFile("fuzz", gzip ? ".idx.gz" : ".idx");
        try {
            byte[] bytes = content;
            if (gzip) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                    z.write(content);
                }
                bytes = out.toByteArray();
            }
            Files.write(f, bytes);
            try (Idx idx = Idx.open(f, rank)) {
                byte[] all = idx.readAll();
                // Accepted: then the content is, byte for byte, a header of this rank and the data it promises.
                ByteBuffer header = ByteBuffer.wrap(content); // big-endian, as IDX
                assertEquals(0x00000800 | rank, header.getInt(), "magic: unsigned bytes of this rank");
                long promised = 1;
                for (int d = 0; d < rank; d++) {
                    int dim = header.getInt();
                    assertTrue(dim > 0, "dimension " + d + " is " + dim);
                    assertEquals(dim, idx.dims()[d]);
                    promised *= dim;
                }
                assertEquals(content.length - header.position(), promised, "no byte missing, none trailing");
                assertArrayEquals(java.util.Arrays.copyOfRange(content, header.position(), content.length), all);
            } catch (RehearsalException e) {
                assertEquals(RehearsalException.DATA, e.exitCode());
                assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 300)
    void arbitraryBytesAreReadOrRefused(@ForAll("bytes") byte[] content, @ForAll boolean gzip,
            @ForAll @IntRange(min = 1, max = 3) int rank) throws Exception {
        readOrRefuse(content, gzip, rank);
    }

    @Property(tries = 300)
    void mutatedValidFilesAreReadOrRefused(@ForAll @IntRange(min = 0, max = 15) int position,
            @ForAll byte value, @ForAll @IntRange(min = -40, max = 40) int lengthChange, @ForAll boolean gzip)
            throws Exception {
        byte[] file = valid(3, 4, 5);
        file[position] = value;
        byte[] changed = java.util.Arrays.copyOf(file, Math.max(0, file.length + lengthChange));
        readOrRefuse(changed, gzip, 3);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    }
}
