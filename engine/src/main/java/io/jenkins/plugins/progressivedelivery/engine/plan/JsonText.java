package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * A free-form part of a template (a Job spec, a web {@code jsonBody}) kept as compact JSON text: records that cross
 * a Jenkins agent channel or a restart hold only JDK value types, never a library's node classes.
 */
public final class JsonText {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonText() {
    }

    /** The text as a tree; null for null. */
    public static JsonNode tree(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static String text(JsonNode tree) {
        return tree == null ? null : tree.toString();
    }

    /** Writes the text back as the value it is (a mapping in YAML, an object in JSON). */
    public static final class Writer extends com.fasterxml.jackson.databind.JsonSerializer<String> {
        @Override
        public void serialize(String value, com.fasterxml.jackson.core.JsonGenerator gen,
                              com.fasterxml.jackson.databind.SerializerProvider provider) throws IOException {
            gen.writeTree(tree(value));
        }
    }

    /** Reads any YAML or JSON value (a mapping, a list) into its JSON text. */
    public static final class Reader extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode node = context.readTree(parser);
            return node == null || node.isNull() ? null : node.toString();
        }
    }
}
