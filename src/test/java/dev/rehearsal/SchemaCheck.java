package dev.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Validates results files against the JSON Schema shipped in the jar ({@link ResultsSchema#RESOURCE}) with a
 * real validator (networknt, draft 2020-12), so a file that the schema does not describe fails the test that
 * wrote it.
 */
public final class SchemaCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = load();

    private SchemaCheck() {
    }

    private static Schema load() {
        try (InputStream in = ResultsSchema.class.getResourceAsStream(ResultsSchema.RESOURCE)) {
            if (in == null) {
                throw new AssertionError(ResultsSchema.RESOURCE + " is not on the class path");
            }
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the validator finds wrong with {@code node}, one message each ("/path: what"). */
    public static List<String> errors(JsonNode node) {
        return SCHEMA.validate(node).stream().map(Error::toString).toList();
    }

    /** Fails, listing every error, unless {@code file} is valid. */
    public static JsonNode assertValid(Path file) {
        try {
            JsonNode node = JSON.readTree(Files.readString(file));
            assertEquals(List.of(), errors(node), file + " against " + ResultsSchema.RESOURCE);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
