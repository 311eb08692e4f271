package dev.rehearsal.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.AtomicFiles;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes safetensors files of F32, U8 and I32 tensors. A {@code [1, n]} view is stored with shape
 * {@code [n]} (PyTorch's bias shape) and either shape loads back into it.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers beyond this are not ours (the format allows 100 MB; our models need a few kB). */
    private static final long MAX_HEADER = 100L << 20;

    /** A tensor read from a file: its dtype, shape and row-major little-endian bytes. */
    public record Loaded(DType dtype, long[] shape, byte[] raw) {
        public long numel() {
            return raw.length / dtype.bytes();
        }

        public float[] floats() {
            require(DType.F32);
            float[] out = new float[(int) numel()];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }

        public int[] ints() {
            require(DType.I32);
            int[] out = new int[(int) numel()];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
            return out;
        }

        private void require(DType d) {
            if (dtype != d) {
                throw new IllegalStateException("tensor holds " + dtype + ", not " + d);
            }
        }

        /** Copies into a view of the same dtype and element count (row-major). */
        public void copyInto(Tensor t) {
            if (t.dtype() != dtype || t.numel() != numel()) {
                throw new IllegalArgumentException("cannot load " + dtype + " " + Arrays.toString(shape) + " into " + t
                        + " (" + t.dtype() + ")");
            }
            switch (dtype) {
                case F32 -> t.copyFrom(floats());
                case I32 -> t.copyFrom(ints());
                case U8 -> {
                    for (int r = 0; r < t.rows(); r++) {
                        t.block().writeBytes(t.offset() + r * t.ld(), raw, r * t.cols(), t.cols());
                    }
                }
            }
        }
    }

    private Safetensors() {
    }

    /** Writes {@code tensors} (in map order) and string metadata, atomically (temporary file, then rename). */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", t.dtype().safetensorsName());
            var shape = n.putArray("shape");
            if (t.rows() != 1) {
                shape.add(t.rows());
            }
            shape.add(t.cols());
            long bytes = t.numel() * t.dtype().bytes();
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // the data starts 8-byte aligned; the spec pads with spaces
        byte[] headerBytes = new byte[padded];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        java.util.Arrays.fill(headerBytes, json.length, padded, (byte) ' ');

        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(headerBytes);
            for (Tensor t : tensors.values()) {
                out.write(littleEndian(t));
            }
        }
        AtomicFiles.replace(tmp, file);
    }

    private static byte[] littleEndian(Tensor t) {
        switch (t.dtype()) {
            case F32 -> {
                float[] data = t.toFloatArray();
                ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(data);
                return buf.array();
            }
            case I32 -> {
                int[] data = t.toIntArray();
                ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asIntBuffer().put(data);
                return buf.array();
            }
            default -> {
                byte[] data = new byte[Math.toIntExact(t.numel())];
                for (int r = 0; r < t.rows(); r++) {
                    t.block().readBytes(t.offset() + r * t.ld(), data, r * t.cols(), t.cols());
                }
                return data;
            }
        }
    }

    /** Reads every tensor of a file; errors name the file and what is wrong with it. */
    public static Map<String, Loaded> read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw bad(file, "file of " + size + " bytes has no header");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw bad(file, "header length " + headerLen + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonNode header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLen;
            Map<String, Loaded> out = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = header.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode n = e.getValue();
                DType dtype = dtypeOf(n.path("dtype").asText());
                if (dtype == null) {
                    throw bad(file, "tensor " + e.getKey() + " has dtype " + n.path("dtype") + ", expected F32, U8 or I32");
                }
                long[] shape = new long[n.path("shape").size()];
                long numel = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = n.path("shape").get(i).asLong();
                    numel *= shape[i];
                }
                long begin = n.path("data_offsets").path(0).asLong(-1);
                long end = n.path("data_offsets").path(1).asLong(-1);
                if (begin < 0 || end - begin != numel * dtype.bytes() || dataStart + end > size
                        || end - begin > Integer.MAX_VALUE) {
                    throw bad(file, "tensor " + e.getKey() + " has offsets [" + begin + ", " + end + ") that do not "
                            + "match its shape or the file size");
                }
                ByteBuffer data = ByteBuffer.allocate((int) (end - begin));
                readFully(ch, data, dataStart + begin);
                out.put(e.getKey(), new Loaded(dtype, shape, data.array()));
            }
            return out;
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot read checkpoint " + file + ": " + e.getMessage(),
                    e);
        }
    }

    /** String metadata of a file (empty when it has none). */
    public static Map<String, String> metadata(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > ch.size()) {
                throw bad(file, "header length " + headerLen + " does not fit the file");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonNode meta = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8)).path("__metadata__");
            Map<String, String> out = new LinkedHashMap<>();
            meta.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot read checkpoint " + file + ": " + e.getMessage(),
                    e);
        }
    }

    private static DType dtypeOf(String name) {
        for (DType d : DType.values()) {
            if (d.safetensorsName().equals(name)) {
                return d;
            }
        }
        return null;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    private static RehearsalException bad(Path file, String what) {
        return new RehearsalException(RehearsalException.DATA, "checkpoint " + file + " is not a valid safetensors file: "
                + what);
    }
}
