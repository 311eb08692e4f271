package dev.rehearsal.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rehearsal.ResultsSchema;

/** The one JSON mapper of results, configs, profiles and the CLI: pretty-printed, keys in declaration order. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** A resolved config as results files write it ({@link ResultsSchema#written}). */
    public static com.fasterxml.jackson.databind.node.ObjectNode config(dev.rehearsal.config.ExperimentConfig c) {
        return ResultsSchema.written(c.withTaskCount(MAPPER.valueToTree(c)));
    }

    /** A tree or value as pretty-printed JSON. */
    public static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
