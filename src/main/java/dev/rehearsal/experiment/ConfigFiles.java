package dev.rehearsal.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rehearsal.RehearsalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Experiment configs as YAML or JSON files: every key of {@link ExperimentConfig}, nothing else. A config
 * resolves in layers: defaults, then {@code quick} (from the file or the command line), then the file, then
 * command-line flags; the resolved config is saved with the results so one command reproduces them.
 */
public final class ConfigFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private ConfigFiles() {
    }

    /** Reads a config file (YAML is a superset of JSON, so one parser reads both) as a tree. */
    public static ObjectNode read(Path file) {
        try {
            JsonNode node = YAML.readTree(Files.readString(file));
            if (node == null || node.isMissingNode() || node.isNull()) {
                return YAML.createObjectNode();
            }
            if (!node.isObject()) {
                throw new RehearsalException(RehearsalException.USAGE, "config " + file
                        + " must be a mapping of keys to values, found " + node.getNodeType().toString().toLowerCase());
            }
            return (ObjectNode) node;
        } catch (NoSuchFileException e) {
            throw new RehearsalException(RehearsalException.USAGE, "config file " + file + " does not exist");
        } catch (JsonProcessingException e) {
            throw new RehearsalException(RehearsalException.USAGE, "config " + file + " is not valid YAML or JSON: "
                    + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " ").trim() + lineOf(e));
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.USAGE, "cannot read config " + file + ": " + e.getMessage());
        }
    }

    private static String lineOf(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    /**
     * Resolves a config: defaults, {@code quick} if the flag or the file asks for it, the file's keys
     * (null: none), then {@code flags}; validated.
     */
    public static ExperimentConfig resolve(Path file, boolean quickFlag, Consumer<ExperimentConfig> flags) {
        return resolve(file, quickFlag, c -> { }, flags);
    }

    /** As above, with a command's own defaults applied over the general ones, before quick and the file. */
    public static ExperimentConfig resolve(Path file, boolean quickFlag, Consumer<ExperimentConfig> commandDefaults,
            Consumer<ExperimentConfig> flags) {
        ObjectNode tree = file == null ? YAML.createObjectNode() : read(file);
        ExperimentConfig c = new ExperimentConfig();
        commandDefaults.accept(c);
        JsonNode q = tree.get("quick");
        if (quickFlag || (q != null && q.asBoolean(false))) {
            c.applyQuick();
        }
        merge(c, tree, file == null ? "config" : "config " + file);
        flags.accept(c);
        return c.validate();
    }

    /** Sets every key of {@code tree} on {@code c}; unknown keys and wrong types name the key. */
    static void merge(ExperimentConfig c, ObjectNode tree, String where) {
        Iterator<String> names = tree.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!ExperimentConfig.KEYS.contains(key)) {
                throw new RehearsalException(RehearsalException.USAGE, where + ": unknown key '" + key + "' (known keys: "
                        + String.join(", ", ExperimentConfig.KEYS) + ")");
            }
        }
        try {
            YAML.readerForUpdating(c).readValue(tree);
        } catch (UnrecognizedPropertyException e) {
            throw new RehearsalException(RehearsalException.USAGE, where + ": unknown key '" + e.getPropertyName() + "'");
        } catch (JsonMappingException e) {
            String key = e.getPath().isEmpty() ? "?" : e.getPath().get(0).getFieldName();
            throw new RehearsalException(RehearsalException.USAGE, where + ": invalid value for '" + key + "': "
                    + e.getOriginalMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.USAGE, where + ": " + e.getMessage());
        }
    }

    /** The resolved config as JSON (saved as config.json next to the results). */
    public static String toJson(ExperimentConfig c) {
        return Json.write(c) + "\n";
    }
}
