package dev.rehearsal.checkpoint;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.nn.Model;
import dev.rehearsal.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A model's weights to and from safetensors, by the names of its parameter table. */
public final class Checkpoints {
    private Checkpoints() {
    }

    /** Saves the parameters as the model uses them (a growing head: its active rows). */
    public static void saveWeights(Model model, Path file, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "rehearsal");
        meta.put("model", model.name());
        meta.putAll(metadata);
        Safetensors.write(file, model.namedParameters(), meta);
    }

    /**
     * Loads weights saved by {@link #saveWeights}: every parameter of the model must be in the file with
     * its shape (a growing head first takes the file's number of outputs).
     */
    public static void loadWeights(Model model, Path file) {
        Map<String, Safetensors.Loaded> loaded = Safetensors.read(file);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        loaded.forEach((k, v) -> shapes.put(k, v.shape()));
        model.prepareToLoad(shapes);
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            Safetensors.Loaded l = loaded.get(e.getKey());
            Tensor t = e.getValue();
            if (l == null) {
                throw new RehearsalException(RehearsalException.DATA, "checkpoint " + file + " has no tensor '"
                        + e.getKey() + "' (has " + loaded.keySet() + ")");
            }
            if (l.dtype() != t.dtype()) {
                throw new RehearsalException(RehearsalException.DATA, "checkpoint " + file + ": tensor '" + e.getKey()
                        + "' is " + l.dtype() + ", the model needs " + t.dtype());
            }
            boolean fits = l.numel() == t.numel()
                    && (Arrays.equals(l.shape(), new long[] {t.rows(), t.cols()})
                            || t.rows() == 1 && Arrays.equals(l.shape(), new long[] {t.cols()}));
            if (!fits) {
                throw new RehearsalException(RehearsalException.DATA, "checkpoint " + file + ": tensor '" + e.getKey()
                        + "' has shape " + Arrays.toString(l.shape()) + ", the model needs [" + t.rows() + ", "
                        + t.cols() + "]");
            }
            l.copyInto(t);
        }
    }
}
