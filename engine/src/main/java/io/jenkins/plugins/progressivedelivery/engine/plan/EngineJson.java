package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Duration;

/**
 * The engine's one Jackson configuration: plans and analysis templates are read strictly (an unknown field is an
 * error, not silently ignored, and so is a key given twice), durations read and write as {@code 90s}/{@code 2m}, instants as ISO-8601 text.
 */
public final class EngineJson {
    /** YAML is a superset of JSON: plans and templates are read with this. */
    public static final ObjectMapper YAML = configure(YAMLMapper.builder()).build();
    /** Runner state, audit trails and results are written with this. */
    public static final ObjectMapper JSON = configure(JsonMapper.builder()).build();

    private EngineJson() {
    }

    /** {@code value} as JSON; {@code what} names it in the error ({@code rollout state}). */
    public static String write(Object value, String what) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(what + " is not serialisable: " + e.getOriginalMessage(), e);
        }
    }

    /** JSON written by {@link #write} read back as {@code type}; {@code what} names it in the error. */
    public static <T> T read(String json, Class<T> type, String what) {
        try {
            return JSON.readValue(json, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a " + what + ": " + e.getOriginalMessage(), e);
        }
    }

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
        return builder
                .addModule(new JavaTimeModule())
                .addModule(new SimpleModule("durations")
                        .addDeserializer(Duration.class, new DurationReader())
                        .addSerializer(Duration.class, new DurationWriter()))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // A key given twice is a mistake or an attack (the second image: wins silently otherwise).
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    private static final class DurationReader extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext ctxt) throws IOException {
            String text = parser.getValueAsString();
            if (text == null) {
                throw InvalidFormatException.from(parser,
                        "write a duration like 30s, 2m or 1h30m", parser.currentToken(), Duration.class);
            }
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw InvalidFormatException.from(parser, e.getMessage(), text, Duration.class);
            }
        }
    }

    private static final class DurationWriter extends JsonSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(Durations.format(value));
        }
    }
}
