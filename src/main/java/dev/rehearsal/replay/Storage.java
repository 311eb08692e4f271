package dev.rehearsal.replay;

import java.util.Locale;

/**
 * How a buffer stores a sample's pixels ({@code --storage}): every format keeps {@code bits} per pixel,
 * bit-packed little-endian (pixel j lives in byte {@code j * bits / 8} at bit {@code (j * bits) % 8}), so a
 * row of D pixels takes {@link #rowBytes} bytes, and decodes to {@code code / levels} in [0, 1].
 * <pre>
 * uint8   8 bits  code = pixel                      (exact: 784 bytes per MNIST image)
 * u4      4 bits  code = round(pixel * 15 / 255)    (16 grey levels: 392 bytes)
 * binary  1 bit   code = pixel &gt;= 128 ? 1 : 0      (thresholded at 0.5: 98 bytes)
 * </pre>
 * Encoding happens once, when a sample enters the buffer ({@link #encode}); decoding happens in every draw,
 * straight into the batch, by {@link dev.rehearsal.backend.Backend#gatherPacked}.
 */
public enum Storage implements dev.rehearsal.Word {
    UINT8(8, 255),
    U4(4, 15),
    BINARY(1, 1);

    private final int bits;
    private final int levels;

    Storage(int bits, int levels) {
        this.bits = bits;
        this.levels = levels;
    }

    /** Bits per pixel. */
    public int bits() {
        return bits;
    }

    /** The largest code: a code decodes to {@code code / levels}. */
    public int levels() {
        return levels;
    }

    /** What a code is multiplied by when decoded. */
    public float scale() {
        return 1f / levels;
    }

    /** Bytes of one packed row of {@code d} pixels. */
    public int rowBytes(int d) {
        return (int) (((long) d * bits + 7) / 8);
    }

    /** The code of one uint8 pixel value (0..255). */
    public int code(int pixel) {
        return switch (this) {
            case UINT8 -> pixel;
            case U4 -> (pixel * 15 + 127) / 255;
            case BINARY -> pixel >= 128 ? 1 : 0;
        };
    }

    /** Packs the codes of {@code d} uint8 pixels into {@code packed[0, rowBytes(d))}. */
    public void encode(byte[] pixels, int d, byte[] packed) {
        if (this == UINT8) {
            System.arraycopy(pixels, 0, packed, 0, d);
            return;
        }
        java.util.Arrays.fill(packed, 0, rowBytes(d), (byte) 0);
        for (int j = 0; j < d; j++) {
            int bit = j * bits;
            packed[bit >>> 3] |= (byte) (code(pixels[j] & 0xff) << (bit & 7));
        }
    }

    /** The code of pixel {@code j} of a packed row starting at {@code packed[at]}. */
    public int codeAt(byte[] packed, int at, int j) {
        int bit = j * bits;
        return ((packed[at + (bit >>> 3)] & 0xff) >>> (bit & 7)) & levels;
    }

    /** Row {@code row} of a packed block {@code U8 [N, rowBytes(d)]}, decoded to {@code d} values in [0, 1] on the heap. */
    public float[] decode(dev.rehearsal.tensor.Tensor packed, int row, int d) {
        int bytes = rowBytes(d);
        byte[] codes = new byte[bytes];
        packed.block().readBytes(packed.offset() + (long) row * packed.ld(), codes, 0, bytes);
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            out[j] = codeAt(codes, 0, j) * scale();
        }
        return out;
    }

    /** The id used on the command line and in results. */
    @Override
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code uint8}, {@code u4} or {@code binary}. */
    public static Storage parse(String s) {
        for (Storage v : values()) {
            if (v.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown storage '" + s + "': use uint8, u4 or binary");
    }
}
