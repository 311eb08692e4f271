package dev.rehearsal.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes safetensors files of float32 tensors. A {@code [1, n]} view is stored with shape
 * {@code [n]} (PyTorch's bias shape) and either shape loads back into it.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers beyond this are not ours (the format allows 100 MB; our models need a few kB). */
    private static final long MAX_HEADER = 100L << 20;

    /** A tensor read from a file: its shape and row-major float32 data. */
    public record Loaded(long[] shape, float[] data) {
        public long numel() {
            return data.length;
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
            if (t.dtype() != DType.F32) {
                throw new IllegalArgumentException("only F32 tensors are written, " + e.getKey() + " is " + t.dtype());
            }
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", "F32");
            var shape = n.putArray("shape");
            if (t.rows() != 1) {
                shape.add(t.rows());
            }
            shape.add(t.cols());
            long bytes = t.numel() * 4;
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
                float[] data = t.toFloatArray();
                ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(data);
                out.write(buf.array());
            }
        }
        moveAtomically(tmp, file);
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
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
                if (!"F32".equals(n.path("dtype").asText())) {
                    throw bad(file, "tensor " + e.getKey() + " has dtype " + n.path("dtype") + ", expected F32");
                }
                long[] shape = new long[n.path("shape").size()];
                long numel = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = n.path("shape").get(i).asLong();
                    numel *= shape[i];
                }
                long begin = n.path("data_offsets").path(0).asLong(-1);
                long end = n.path("data_offsets").path(1).asLong(-1);
                if (begin < 0 || end - begin != numel * 4 || dataStart + end > size || numel > Integer.MAX_VALUE) {
                    throw bad(file, "tensor " + e.getKey() + " has offsets [" + begin + ", " + end + ") that do not "
                            + "match its shape or the file size");
                }
                ByteBuffer data = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + begin);
                float[] values = new float[(int) numel];
                data.flip().asFloatBuffer().get(values);
                out.put(e.getKey(), new Loaded(shape, values));
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
