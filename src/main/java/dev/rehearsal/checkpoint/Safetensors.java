package dev.rehearsal.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.AtomicFiles;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes safetensors files of F32, U8 and I32 tensors. A {@code [1, n]} view is stored with shape
 * {@code [n]} (PyTorch's bias shape) and either shape loads back into it.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Strict about what PyTorch's reader also refuses: duplicate names and anything after the object. */
    private static final ObjectMapper HEADER_READER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /** Headers beyond this are not ours (the format allows 100 MB; our models need a few kB). */
    private static final long MAX_HEADER = 100L << 20;

    /** A tensor read from a file: its name, dtype, shape and row-major little-endian bytes. */
    public record Loaded(String name, DType dtype, long[] shape, byte[] raw) {
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

        /**
         * Copies into a view of the same dtype and exactly its shape ({@code [rows, cols]}, or {@code [cols]} or
         * {@code [1, cols]} for one row): the same number of elements in another shape is refused, as a
         * tensor the file says is something else.
         */
        public void copyInto(Tensor t) {
            boolean shaped = Arrays.equals(shape, new long[] {t.rows(), t.cols()})
                    || t.rows() == 1 && Arrays.equals(shape, new long[] {t.cols()});
            if (t.dtype() != dtype || !shaped || t.numel() != numel()) {
                throw new IllegalArgumentException("tensor '" + name + "' is " + dtype + " " + Arrays.toString(shape)
                        + ", expected " + t.dtype() + " [" + t.rows() + ", " + t.cols() + "]");
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

    /**
     * Writes {@code tensors} (in map order) and string metadata, atomically ({@link AtomicFiles}: a temporary
     * file, then a rename; the temporary file is removed when writing fails).
     */
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

        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(headerBytes);
            for (Tensor t : tensors.values()) {
                out.write(littleEndian(t));
            }
        });
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

    /**
     * Reads every tensor of a file; errors name the file and what is wrong with it. A file is refused unless
     * its header is one JSON object of tensors (dtype F32, U8 or I32, a shape of non-negative integers, and
     * {@code data_offsets} whose length is the shape's bytes) that together cover the data exactly, without
     * gaps, overlaps or trailing bytes, as the format requires.
     */
    public static Map<String, Loaded> read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Header h = header(ch, file);
            JsonNode header = h.json();
            long dataStart = 8 + h.bytes();
            long dataBytes = size - dataStart;
            Map<String, long[]> ranges = new LinkedHashMap<>();
            Map<String, DType> dtypes = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                String name = e.getKey();
                if (name.equals("__metadata__")) {
                    continue;
                }
                JsonNode n = e.getValue();
                if (!n.isObject()) {
                    throw bad(file, "tensor '" + name + "' is " + n + ", not an object with dtype, shape and "
                            + "data_offsets");
                }
                DType dtype = dtypeOf(n.path("dtype").asText());
                if (dtype == null) {
                    throw bad(file, "tensor '" + name + "' has dtype " + n.path("dtype") + ", expected F32, U8 or I32");
                }
                JsonNode sh = n.path("shape");
                if (!sh.isArray()) {
                    throw bad(file, "tensor '" + name + "' has shape " + sh + ", expected a list of sizes");
                }
                long[] shape = new long[sh.size()];
                long numel = 1;
                for (int i = 0; i < shape.length; i++) {
                    JsonNode d = sh.get(i);
                    if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                        throw bad(file, "tensor '" + name + "' has shape " + sh + ": sizes must be integers >= 0");
                    }
                    shape[i] = d.asLong();
                    try {
                        numel = Math.multiplyExact(numel, shape[i]);
                    } catch (ArithmeticException overflow) {
                        throw bad(file, "tensor '" + name + "' has shape " + sh + ", too large");
                    }
                }
                JsonNode off = n.path("data_offsets");
                if (!off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                        || !off.get(1).isIntegralNumber() || !off.get(0).canConvertToLong()
                        || !off.get(1).canConvertToLong()) {
                    throw bad(file, "tensor '" + name + "' has data_offsets " + off + ", expected [begin, end]");
                }
                long begin = off.get(0).asLong();
                long end = off.get(1).asLong();
                if (begin < 0 || end < begin || end > dataBytes) {
                    throw bad(file, "tensor '" + name + "' has data_offsets [" + begin + ", " + end + "] outside the "
                            + dataBytes + " data bytes of the file (truncated?)");
                }
                if (numel > Integer.MAX_VALUE || end - begin != numel * dtype.bytes()) {
                    throw bad(file, "tensor '" + name + "' is " + dtype + " " + Arrays.toString(shape) + " ("
                            + numel + " elements, " + numel * dtype.bytes() + " bytes) but data_offsets [" + begin
                            + ", " + end + "] hold " + (end - begin) + " bytes");
                }
                ranges.put(name, new long[] {begin, end});
                dtypes.put(name, dtype);
                shapes.put(name, shape);
            }
            requireContiguous(file, ranges, dataBytes);
            Map<String, Loaded> out = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : ranges.entrySet()) {
                long[] r = e.getValue();
                ByteBuffer data = ByteBuffer.allocate((int) (r[1] - r[0]));
                readFully(ch, data, dataStart + r[0]);
                out.put(e.getKey(), new Loaded(e.getKey(), dtypes.get(e.getKey()), shapes.get(e.getKey()), data.array()));
            }
            return out;
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot read checkpoint " + file + ": "
                    + AtomicFiles.reason(e), e);
        }
    }

    /** The tensors' byte ranges must tile [0, dataBytes): no gap, no overlap, nothing after the last. */
    private static void requireContiguous(Path file, Map<String, long[]> ranges, long dataBytes) {
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>(ranges.entrySet());
        sorted.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0])
                .thenComparingLong(e -> e.getValue()[1]));
        long at = 0;
        for (Map.Entry<String, long[]> e : sorted) {
            long[] r = e.getValue();
            if (r[0] != at) {
                throw bad(file, "tensor '" + e.getKey() + "' starts at data byte " + r[0] + ", expected " + at
                        + (r[0] < at ? " (it overlaps the tensor before it)" : " (a gap in the data)"));
            }
            at = r[1];
        }
        if (at != dataBytes) {
            throw bad(file, "its tensors end at data byte " + at + " but the file has " + dataBytes + " data bytes");
        }
    }

    /** String metadata of a file (empty when it has none). */
    public static Map<String, String> metadata(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, String> out = new LinkedHashMap<>();
            header(ch, file).json().path("__metadata__").properties().forEach(e -> out.put(e.getKey(),
                    e.getValue().asText()));
            return out;
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot read checkpoint " + file + ": "
                    + AtomicFiles.reason(e), e);
        }
    }

    /** A file's JSON header and its length in bytes (the data starts after the 8-byte length and it). */
    private record Header(JsonNode json, long bytes) {
    }

    /** The JSON header: one object, no duplicate keys, nothing but spaces after it. */
    private static Header header(FileChannel ch, Path file) throws IOException {
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
        JsonNode header;
        try {
            header = HEADER_READER.readTree(new String(hb.array(), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw bad(file, "its header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw bad(file, "its header is " + (header == null ? "empty" : "a JSON " + header.getNodeType()
                    .toString().toLowerCase(java.util.Locale.ROOT)) + ", not an object of tensors");
        }
        JsonNode meta = header.path("__metadata__");
        if (!meta.isMissingNode() && !meta.isObject()) {
            throw bad(file, "its __metadata__ is " + meta + ", not an object of strings");
        }
        return new Header(header, headerLen);
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
