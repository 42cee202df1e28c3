package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The Argo-style one-key form of {@link PlanStep}, both ways. */
final class PlanStepJson {
    private static final List<String> KINDS = List.of("setWeight", "pause", "analysis", "setHeaderRoute",
            "setMirrorRoute", "setCanaryScale", "judge");

    private PlanStepJson() {
    }

    static final class Reader extends JsonDeserializer<PlanStep> {
        @Override
        public PlanStep deserialize(JsonParser parser, DeserializationContext ctxt) throws IOException {
            JsonNode node = ctxt.readTree(parser);
            if (node == null || !node.isObject() || node.size() != 1) {
                throw InvalidFormatException.from(parser,
                        "a step is an object with exactly one of " + KINDS + ", e.g. '- setWeight: 20'",
                        node, PlanStep.class);
            }
            String kind = node.fieldNames().next();
            JsonNode value = node.get(kind);
            return switch (kind) {
                case "setWeight" -> {
                    if (!value.isIntegralNumber()) {
                        throw fieldError(parser, kind, "'" + value.asText() + "' is not a whole number;"
                                + " write the canary's percentage of traffic, 0..100");
                    }
                    yield new PlanStep.SetWeight(value.intValue());
                }
                case "pause" -> readPause(parser, value);
                case "judge" -> {
                    try {
                        yield new PlanStep.Judge(ctxt.readTreeAsValue(value, JudgeSpec.class));
                    } catch (JsonMappingException e) {
                        e.prependPath(PlanStep.class, "judge");
                        throw e;
                    }
                }
                case "analysis" -> {
                    try {
                        yield new PlanStep.Analysis(ctxt.readTreeAsValue(value, AnalysisSpec.class));
                    } catch (JsonMappingException e) {
                        e.prependPath(PlanStep.class, "analysis");
                        throw e;
                    }
                }
                case "setHeaderRoute" -> readObject(ctxt, value, kind, PlanStep.SetHeaderRoute.class);
                case "setMirrorRoute" -> readObject(ctxt, value, kind, PlanStep.SetMirrorRoute.class);
                case "setCanaryScale" -> readObject(ctxt, value, kind, PlanStep.SetCanaryScale.class);
                default -> throw fieldError(parser, kind, "unknown step; use one of " + KINDS);
            };
        }

        private static PlanStep readObject(DeserializationContext ctxt, JsonNode value, String kind,
                                           Class<? extends PlanStep> type) throws IOException {
            if (!value.isObject()) {
                throw fieldError(ctxt.getParser(), kind, "write an object, e.g. " + example(kind));
            }
            try {
                return ctxt.readTreeAsValue(value, type);
            } catch (JsonMappingException e) {
                e.prependPath(PlanStep.class, kind);
                throw e;
            }
        }

        private static String example(String kind) {
            return switch (kind) {
                case "setHeaderRoute" -> "{name: testers, match: [{headerName: X-Canary, headerValue: {exact: always}}]}";
                case "setMirrorRoute" -> "{name: shadow, percentage: 20}";
                default -> "{replicas: 2}";
            };
        }

        private static PlanStep readPause(JsonParser parser, JsonNode value) throws IOException {
            if (value.isNull() || (value.isObject() && value.isEmpty())) {
                return new PlanStep.Pause(null);
            }
            JsonNode duration = value;
            if (value.isObject()) {
                List<String> unknown = new ArrayList<>();
                for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                    String field = it.next();
                    if (!field.equals("duration")) {
                        unknown.add(field);
                    }
                }
                if (!unknown.isEmpty()) {
                    throw fieldError(parser, "pause", "unknown field(s) " + unknown
                            + "; a pause takes only 'duration' (omit it to wait for promote or abort)");
                }
                duration = value.get("duration");
            }
            if (!duration.isTextual() && !duration.isIntegralNumber()) {
                throw fieldError(parser, "pause", "write a duration like 90s or 2m, or {} to wait for promote");
            }
            try {
                return new PlanStep.Pause(Durations.parse(duration.asText()));
            } catch (IllegalArgumentException e) {
                throw fieldError(parser, "pause", e.getMessage());
            }
        }

        private static InvalidFormatException fieldError(JsonParser parser, String field, String message) {
            InvalidFormatException e = InvalidFormatException.from(parser, message, null, PlanStep.class);
            e.prependPath(PlanStep.class, field);
            return e;
        }
    }

    static final class Writer extends JsonSerializer<PlanStep> {
        @Override
        public void serialize(PlanStep step, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            if (step instanceof PlanStep.SetWeight w) {
                gen.writeNumberField("setWeight", w.weight());
            } else if (step instanceof PlanStep.Pause p) {
                gen.writeFieldName("pause");
                gen.writeStartObject();
                if (!p.indefinite()) {
                    gen.writeStringField("duration", Durations.format(p.duration()));
                }
                gen.writeEndObject();
            } else if (step instanceof PlanStep.Analysis a) {
                gen.writeFieldName("analysis");
                provider.defaultSerializeValue(a.analysis(), gen);
            } else if (step instanceof PlanStep.SetHeaderRoute h) {
                gen.writeFieldName("setHeaderRoute");
                gen.writeStartObject();
                gen.writeStringField("name", h.name());
                if (!h.match().isEmpty()) {
                    provider.defaultSerializeField("match", h.match(), gen);
                }
                gen.writeEndObject();
            } else if (step instanceof PlanStep.SetMirrorRoute m) {
                gen.writeFieldName("setMirrorRoute");
                gen.writeStartObject();
                gen.writeStringField("name", m.name());
                if (m.percentage() != null) {
                    gen.writeNumberField("percentage", m.percentage());
                }
                if (!m.match().isEmpty()) {
                    provider.defaultSerializeField("match", m.match(), gen);
                }
                gen.writeEndObject();
            } else if (step instanceof PlanStep.SetCanaryScale c) {
                gen.writeFieldName("setCanaryScale");
                gen.writeStartObject();
                if (c.replicas() != null) {
                    gen.writeNumberField("replicas", c.replicas());
                }
                if (c.weight() != null) {
                    gen.writeNumberField("weight", c.weight());
                }
                if (c.matchTrafficWeight() != null) {
                    gen.writeBooleanField("matchTrafficWeight", c.matchTrafficWeight());
                }
                gen.writeEndObject();
            } else if (step instanceof PlanStep.Judge j) {
                gen.writeFieldName("judge");
                provider.defaultSerializeValue(j.judge(), gen);
            }
            gen.writeEndObject();
        }
    }
}
