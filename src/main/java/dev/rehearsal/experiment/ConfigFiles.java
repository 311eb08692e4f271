package dev.rehearsal.experiment;

import dev.rehearsal.config.ExperimentConfig;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rehearsal.RehearsalException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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

    /** A config is a short text of keys; anything longer is not one (and /dev/zero must not fill the heap). */
    static final int MAX_BYTES = 1 << 20;

    /**
     * Reads a config file (YAML is a superset of JSON, so one parser reads both) as a tree. Refused, naming the
     * file: binary content, a second YAML document (the parser would read the first and drop the rest), a key
     * given twice in one mapping, and NaN or infinity written as a YAML number. (A key set to null is refused
     * when the keys are set, {@link #merge}.)
     */
    public static ObjectNode read(Path file) {
        try {
            String text = text(file);
            checkKeys(file, text);
            JsonNode node = YAML.readTree(text);
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

    /** Parses a bundled config (a preset shipped in the jar) as a tree; {@code where} names it in messages. */
    public static ObjectNode parse(String text, String where) {
        try {
            JsonNode node = YAML.readTree(text);
            if (node == null || !node.isObject()) {
                throw new IllegalStateException(where + " is not a mapping");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(where + " is not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The file as UTF-8 text. Control bytes (other than tab, line feed and carriage return) and invalid
     * UTF-8 mean the file is not a config at all: said so, with the first offending offset, instead of the
     * parser's complaint about an unexpected character.
     */
    private static String text(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new RehearsalException(RehearsalException.USAGE, "config " + file + " is a directory, expected a "
                    + "YAML or JSON file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new RehearsalException(RehearsalException.USAGE, "config " + file + " is larger than "
                    + MAX_BYTES + " bytes: not a config (a short YAML or JSON text of keys)");
        }
        int bad = bytes.length;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f) {
                bad = i;
                break;
            }
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, bad);
        CharBuffer out = CharBuffer.allocate(bad);
        CoderResult r = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in, out, true);
        if (r.isError()) {
            bad = in.position(); // the decoder stops at the first byte of the malformed sequence
        }
        if (bad < bytes.length) {
            throw new RehearsalException(RehearsalException.USAGE, "config " + file + " is not a YAML or JSON text "
                    + "file (binary bytes at offset " + bad + String.format(": 0x%02X", bytes[bad] & 0xff)
                    + "); a config is UTF-8 text");
        }
        return out.flip().toString();
    }

    /** The keys whose default is null ({@code data}, {@code out}: "not given"), which a saved config.json writes. */
    private static final java.util.Set<String> NULL_DEFAULTS = nullDefaults();

    private static java.util.Set<String> nullDefaults() {
        java.util.Set<String> keys = new java.util.HashSet<>();
        Json.MAPPER.valueToTree(new ExperimentConfig()).properties().forEach(e -> {
            if (e.getValue().isNull()) {
                keys.add(e.getKey());
            }
        });
        return java.util.Set.copyOf(keys);
    }

    /**
     * Refuses a key set to null (YAML {@code key:} or {@code key: null}, JSON {@code null}) with one line naming
     * the key: leaving a key out keeps its default, and null is no value of any key, except of the keys whose
     * default is null ({@code data}, {@code out}), which every saved config.json writes so.
     */
    static void refuseNulls(JsonNode tree, String where) {
        tree.properties().forEach(e -> {
            if (e.getValue().isNull() && !NULL_DEFAULTS.contains(e.getKey())) {
                throw new RehearsalException(RehearsalException.USAGE, where + ": '" + e.getKey() + "' is null; give "
                        + "it a value, or leave the key out for its default");
            }
        });
    }

    /**
     * Walks the tokens once before the tree is built, which would keep only the last of two equal keys, would
     * read the first of several YAML documents and drop the others, and cannot name the key of a YAML
     * {@code .nan} or {@code .inf} (Jackson cannot convert them to numbers).
     */
    private static void checkKeys(Path file, String text) throws IOException {
        try (JsonParser p = YAML.getFactory().createParser(text)) {
            Deque<Map<String, Integer>> mappings = new ArrayDeque<>(); // key -> line, per open mapping
            int documents = 0;
            int depth = 0;
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                if (t.isStructEnd()) {
                    depth--;
                } else if (depth == 0 && ++documents > 1) {
                    throw new RehearsalException(RehearsalException.USAGE, "config " + file + " holds more than one "
                            + "YAML document (the second one's content is at line "
                            + p.currentTokenLocation().getLineNr() + "): a config is one mapping of keys; remove the "
                            + "'---' and what follows, or merge them");
                }
                if (t.isStructStart()) {
                    depth++;
                }
                switch (t) {
                    case START_OBJECT -> mappings.push(new HashMap<>());
                    case END_OBJECT -> mappings.pop();
                    case FIELD_NAME -> {
                        int line = p.currentTokenLocation().getLineNr();
                        Integer first = mappings.peek().putIfAbsent(p.currentName(), line);
                        if (first != null) {
                            throw new RehearsalException(RehearsalException.USAGE, "config " + file + ": key '"
                                    + p.currentName() + "' is given twice (lines " + first + " and " + line
                                    + "); keep one");
                        }
                    }
                    case VALUE_NUMBER_FLOAT -> {
                        try {
                            p.getDoubleValue();
                        } catch (JsonProcessingException e) {
                            throw ExperimentConfig.invalid(keyOf(p),
                                    p.getText(), "a finite number; config " + file + ", line "
                                    + p.currentTokenLocation().getLineNr());
                        }
                    }
                    default -> {
                    }
                }
            }
        }
    }

    /**
     * The key a value belongs to: the nearest enclosing mapping key, so that a value in a list ({@code lr: [0.1,
     * .inf]} in a grid) names {@code lr}.
     */
    private static String keyOf(JsonParser p) {
        for (com.fasterxml.jackson.core.JsonStreamContext c = p.getParsingContext(); c != null; c = c.getParent()) {
            if (c.getCurrentName() != null) {
                return c.getCurrentName();
            }
        }
        return "(the document)";
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
        return resolve(tree, file == null ? "config" : "config " + file, quickFlag, commandDefaults, flags);
    }

    /**
     * Resolves a config from keys already read ({@code where} names them in messages: a file, a sweep's grid
     * point): defaults, the command's defaults, {@code quick}, the keys, then {@code flags}; validated.
     */
    public static ExperimentConfig resolve(ObjectNode tree, String where, boolean quickFlag,
            Consumer<ExperimentConfig> commandDefaults, Consumer<ExperimentConfig> flags) {
        ExperimentConfig c = new ExperimentConfig();
        commandDefaults.accept(c);
        JsonNode q = tree.get("quick");
        if (quickFlag || (q != null && q.asBoolean(false))) {
            c.applyQuick();
        }
        merge(c, tree, where);
        flags.accept(c);
        return c.validate();
    }

    /** A resolved config as {@link #toJson} wrote it (a sweep task's payload), validated. */
    public static ExperimentConfig fromJson(String json) {
        try {
            return Json.MAPPER.readValue(json, ExperimentConfig.class).validate();
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.USAGE, "not a resolved config: " + e.getMessage());
        }
    }

    /** Sets every key of {@code tree} on {@code c}; unknown keys and wrong types name the key. */
    static void merge(ExperimentConfig c, ObjectNode tree, String where) {
        refuseNulls(tree, where);
        Iterator<String> names = tree.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            List<String> known = ExperimentConfig.allKeys();
            if (!known.contains(key)) {
                throw new RehearsalException(RehearsalException.USAGE, where + ": unknown key '" + key + "'"
                        + dev.rehearsal.config.Suggest.unknownKeyHint(key, known));
            }
        }
        try {
            YAML.readerForUpdating(c).readValue(tree);
        } catch (UnrecognizedPropertyException e) {
            throw new RehearsalException(RehearsalException.USAGE, where + ": unknown key '" + e.getPropertyName() + "'");
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof RehearsalException r) { // a value type's own check, which names its key
                throw new RehearsalException(r.exitCode(), where + ": " + r.getMessage());
            }
            String key = e.getPath().isEmpty() ? "?" : e.getPath().get(0).getFieldName();
            throw new RehearsalException(RehearsalException.USAGE, where + ": invalid value for '" + key + "': "
                    + why(e, e.getPath().isEmpty() ? null : tree.get(key)));
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.USAGE, where + ": " + e.getMessage());
        }
    }

    /**
     * Why a value did not read as its key's type, in the user's terms: "VALUE (expected TYPE)", not Jackson's
     * account of its tokens and coercion settings.
     */
    static String why(JsonMappingException e, JsonNode value) {
        if (e.getCause() instanceof IllegalArgumentException bad) {
            // An enumerated key's value is parsed by its enum (Word.parse): its message is "VALUE (expected ...)".
            return bad.getMessage();
        }
        Class<?> target = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m
                ? m.getTargetType() : null;
        if (target == null && e.getCause() instanceof com.fasterxml.jackson.core.exc.InputCoercionException c) {
            target = c.getTargetType();
        }
        if (target == null || value == null) {
            return e.getOriginalMessage().split("\n")[0];
        }
        String shown = value.isArray() ? "a list " + value : value.isObject() ? "a mapping " + value : value.asText();
        return shown + " (expected " + dev.rehearsal.config.ValueType.expected(target) + ")";
    }

    /**
     * The resolved config as JSON (saved as config.json next to the results, and a sweep task's payload): a split
     * scenario's has no {@code tasks} key, since its class order decides them (absent, it reads back as before).
     */
    public static String toJson(ExperimentConfig c) {
        ObjectNode tree = Json.MAPPER.valueToTree(c);
        if (c.scenario != dev.rehearsal.config.ScenarioType.PERMUTED) {
            tree.remove("tasks");
        }
        return Json.write(tree) + "\n";
    }
}
