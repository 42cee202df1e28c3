package io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the answer of Prometheus' {@code /api/v1/query} and {@code /api/v1/query_range}: a vector becomes a list of
 * values in Prometheus' order, a scalar one value, a range query's matrix every value of every series; {@code NaN}, {@code +Inf} and {@code -Inf} are kept. Everything else is a
 * {@link MeasurementException} that says what went wrong.
 */
final class PrometheusResponse {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final int SNIPPET_LENGTH = 200;

    private PrometheusResponse() {
    }

    /**
     * @param where how to name the server in messages ({@code Prometheus at http://...}), never with credentials
     */
    static MetricValue parse(int status, String body, String where) throws MeasurementException {
        return parse(status, body, where, false);
    }

    /**
     * @param range the answer of a range query: a matrix is flattened, every value of every series in order, as
     *              Argo does; Prometheus' {@code warnings} are kept on the value
     */
    static MetricValue parse(int status, String body, String where, boolean range) throws MeasurementException {
        MetricValue value = parseResult(status, body, where, range);
        JsonNode root = readJson(body);
        List<String> warnings = new ArrayList<>();
        if (root != null) {
            root.path("warnings").forEach(w -> warnings.add(w.asText()));
            root.path("infos").forEach(w -> warnings.add(w.asText()));
        }
        return warnings.isEmpty() ? value : value.withWarnings(warnings);
    }

    private static MetricValue parseResult(int status, String body, String where, boolean range)
            throws MeasurementException {
        JsonNode root = readJson(body);
        if (root != null && "error".equals(root.path("status").asText())) {
            throw new MeasurementException(where + " rejected the query (" + root.path("errorType").asText("error")
                    + "): " + root.path("error").asText("no reason given"));
        }
        if (status < 200 || status > 299) {
            throw new MeasurementException(where + " answered HTTP " + status + describeStatus(status)
                    + (body == null || body.isBlank() ? "" : ": " + snippet(body)));
        }
        if (root == null || !"success".equals(root.path("status").asText())) {
            throw new MeasurementException("the answer of " + where + " is not a Prometheus API response; check that"
                    + " the address points at Prometheus (not its UI or a login page): " + snippet(body));
        }
        JsonNode data = root.path("data");
        String resultType = data.path("resultType").asText();
        JsonNode result = data.path("result");
        switch (resultType) {
            case "vector":
                List<Double> values = new ArrayList<>();
                for (JsonNode sample : result) {
                    values.add(sampleValue(sample.path("value"), where));
                }
                return MetricValue.vector(values);
            case "scalar":
                return MetricValue.scalar(sampleValue(result, where));
            case "matrix":
                if (range) {
                    List<Double> flattened = new ArrayList<>();
                    for (JsonNode series : result) {
                        for (JsonNode sample : series.path("values")) {
                            flattened.add(sampleValue(sample, where));
                        }
                    }
                    return MetricValue.vector(flattened);
                }
                throw new MeasurementException("the query returned a range vector (matrix), which a condition cannot"
                        + " judge; make it an instant query, e.g. aggregate a range selector with rate(x[5m]) or"
                        + " avg_over_time(x[5m])");
            case "string":
                throw new MeasurementException("the query returned a string, which a condition cannot judge; make it"
                        + " an instant query returning a number or an instant vector");
            default:
                throw new MeasurementException(where + " returned an unknown result type '" + resultType + "'");
        }
    }

    /** Parses a sample {@code [timestamp, "value"]}. */
    private static double sampleValue(JsonNode sample, String where) throws MeasurementException {
        JsonNode value = sample.path(1);
        if (!value.isTextual()) {
            throw new MeasurementException(where + " returned a sample without a value: " + sample);
        }
        return parseValue(value.asText(), where);
    }

    /** Prometheus writes floats as Go does: {@code NaN}, {@code +Inf}, {@code -Inf}, {@code 1e-05}. */
    static double parseValue(String text, String where) throws MeasurementException {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new MeasurementException(where + " returned '" + text + "', which is not a number");
                }
        }
    }

    private static JsonNode readJson(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String describeStatus(int status) {
        switch (status) {
            case 401:
                return " (unauthorized: check the Prometheus credentials)";
            case 403:
                return " (forbidden: the credentials may not query this Prometheus)";
            case 404:
                return " (not found: check the address; the engine adds /api/v1/query to it)";
            default:
                return status >= 300 && status < 400
                        ? " (a redirect: set the address to the URL it redirects to)" : "";
        }
    }

    static String snippet(String body) {
        if (body == null) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return oneLine.length() > SNIPPET_LENGTH ? oneLine.substring(0, SNIPPET_LENGTH) + "..." : oneLine;
    }
}
