package io.jenkins.plugins.progressivedelivery.engine.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document as the values a condition sees, as Go's {@code json.Unmarshal} gives them to Argo: every number
 * a float ({@code Double}), objects as maps, arrays as lists, and CEL's null for {@code null}.
 */
final class JsonValues {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonValues() {
    }

    static Object toCel(String json, Object nullValue) {
        try {
            return convert(JSON.readTree(json), nullValue);
        } catch (JsonProcessingException e) {
            // not JSON: Argo's web provider hands a non-JSON body over as a string
            return json;
        }
    }

    private static Object convert(JsonNode node, Object nullValue) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return nullValue;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(element -> list.add(convert(element, nullValue)));
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), convert(e.getValue(), nullValue)));
        return map;
    }
}
