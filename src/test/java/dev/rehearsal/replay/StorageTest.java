package dev.rehearsal.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Compressed sample storage: the codes by hand, a bit-exact round trip per format, buffers decoding what they stored. */
class StorageTest {
    private static final int[] ORDER = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

    @Test
    void codesAndRowSizesByHand() {
        assertEquals(784, Storage.UINT8.rowBytes(784));
        assertEquals(392, Storage.U4.rowBytes(784));
        assertEquals(98, Storage.BINARY.rowBytes(784));
        assertEquals(393, Storage.U4.rowBytes(785), "a half-used last byte");
        assertEquals(99, Storage.BINARY.rowBytes(785));
        // u4 rounds pixel * 15 / 255 to the nearest level: 8.5 / 17 = 0.5 is the first boundary.
        int[][] u4 = {{0, 0}, {8, 0}, {9, 1}, {17, 1}, {25, 1}, {26, 2}, {127, 7}, {128, 8}, {246, 14}, {247, 15},
            {255, 15}};
        for (int[] pc : u4) {
            assertEquals(pc[1], Storage.U4.code(pc[0]), "u4 code of " + pc[0]);
        }
        assertEquals(0, Storage.BINARY.code(127), "127/255 < 0.5");
        assertEquals(1, Storage.BINARY.code(128));
        assertEquals(200, Storage.UINT8.code(200));
        assertEquals(1f / 15, Storage.U4.scale());
        assertEquals(Storage.U4, Storage.parse(" U4 "));
        assertThrows(IllegalArgumentException.class, () -> Storage.parse("u2"));
    }

    /** Every pixel value at every position of an odd-length row comes back as its code. */
    @ParameterizedTest
    @EnumSource(Storage.class)
    void roundTripIsExact(Storage s) {
        int d = 785;
        byte[] pixels = new byte[d];
        byte[] packed = new byte[s.rowBytes(d)];
        for (int shift = 0; shift < 256; shift += 37) {
            for (int j = 0; j < d; j++) {
                pixels[j] = (byte) (j + shift);
            }
            java.util.Arrays.fill(packed, (byte) 0x5A);
            s.encode(pixels, d, packed);
            for (int j = 0; j < d; j++) {
                assertEquals(s.code((j + shift) & 0xff), s.codeAt(packed, 0, j), s + " pixel " + j);
            }
        }
        if (s == Storage.BINARY) {
            // 785 = 98 * 8 + 1: the last byte keeps one bit; the others are zero, not left from before.
            assertEquals(0, (packed[98] & 0xff) >>> 1);
        }
    }

    /**
     * A buffer in each format stores the dataset's images and a draw decodes code(pixel) / levels exactly,
     * on both backends, which agree bit for bit; the block is capacity x packed row, nothing else.
     */
    @ParameterizedTest
    @EnumSource(Storage.class)
    void buffersDecodeWhatTheyStored(Storage s) {
        float[][] drawn = new float[2][];
        int k = 0;
        for (Backend be : new Backend[] {Backends.jvm(), Backends.nativ()}) {
            try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 30, 3);
                    Dataset test = Synthetic.dataset(be, "syn-test", 10, 5, 4);
                    Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.CLASS, true, 0, 1);
                    ReplayBuffer buf = new ReplayBuffer(be, sc, 7, ReplayBuffer.Selection.RANDOM, s, 16);
                    Arena arena = be.newArena("t");
                    Batch batch = new Batch(be, "b", 16, 10)) {
                assertEquals(7L * 10 * s.rowBytes(784), buf.bytes());
                Rng rng = new Rng(5);
                for (Task t : sc.tasks().subList(0, 3)) {
                    buf.addTask(t, rng);
                }
                assertEquals(7L * 6 * s.rowBytes(784), buf.storedBytes());
                Tensor input = Tensor.of(arena.allocate("in", DType.F32, 16L * 784), 16, 784);
                buf.draw(input, batch, 0, 16, 6, new Rng(9), new Ledger());
                int[] slots = batch.indices(0, 16).toIntArray();
                float[] got = input.toFloatArray();
                for (int r = 0; r < 16; r++) {
                    float[] px = buf.pixels(slots[r]);
                    for (int j = 0; j < 784; j++) {
                        assertEquals(px[j], got[r * 784 + j], "row " + r + " pixel " + j);
                    }
                }
                // pixels() decodes the image the slot took from the dataset.
                int[] codes = storedCodes(train, sc, buf, slots[0], s);
                for (int j = 0; j < 784; j++) {
                    assertEquals(codes[j] * s.scale(), got[j], "slot " + slots[0] + " pixel " + j);
                }
                drawn[k++] = got;
            }
        }
        assertArrayEquals(drawn[0], drawn[1], "native decoding is the jvm's");
    }

    /** The codes of the training image a slot holds, found by matching its decoded pixels among its class's images. */
    private static int[] storedCodes(Dataset train, Scenario sc, ReplayBuffer buf, int slot, Storage s) {
        float[] px = buf.pixels(slot);
        Task task = sc.tasks().get(buf.taskOf(slot));
        Tensor images = train.images();
        byte[] row = new byte[784];
        for (int i = 0; i < task.trainSize(); i++) {
            if (task.trainTargets()[i] != buf.targetOf(slot)) {
                continue;
            }
            images.block().readBytes(images.offset() + (long) task.trainIndices()[i] * images.ld(), row, 0, 784);
            int[] codes = new int[784];
            boolean same = true;
            for (int j = 0; j < 784 && same; j++) {
                codes[j] = s.code(row[j] & 0xff);
                same = codes[j] * s.scale() == px[j];
            }
            if (same) {
                return codes;
            }
        }
        throw new AssertionError("slot " + slot + " holds no training image of class " + buf.targetOf(slot));
    }
}
