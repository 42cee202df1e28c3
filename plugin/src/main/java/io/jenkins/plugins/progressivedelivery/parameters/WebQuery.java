package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code web(url: 'https://status.example.com/api/health', jsonPath: '{$.ok}')}: an HTTP request whose JSON answer
 * (or the part {@code jsonPath} selects) the conditions judge, as Argo's {@code provider.web}. A {@code jsonBody} written
 * as a Groovy map is kept as JSON text (no {@code Map} parameter) and sent as the object it is.
 */
public final class WebQuery extends MetricProvider {
    private final String url;
    private String method;
    private List<HttpHeader> headers;
    private String body;
    private String jsonBody;
    private Integer timeoutSeconds;
    private String jsonPath;

    @DataBoundConstructor
    public WebQuery(String url) {
        this.url = url == null || url.isBlank() ? null : url.trim();
    }

    public String getUrl() {
        return url;
    }

    public String getMethod() {
        return method;
    }

    @DataBoundSetter
    public void setMethod(String method) {
        this.method = method;
    }

    public List<HttpHeader> getHeaders() {
        return headers;
    }

    @DataBoundSetter
    public void setHeaders(List<HttpHeader> headers) {
        this.headers = Literals.copy(headers);
    }

    public String getBody() {
        return body;
    }

    @DataBoundSetter
    public void setBody(String body) {
        this.body = body;
    }

    public String getJsonBody() {
        return jsonBody;
    }

    @DataBoundSetter
    public void setJsonBody(String jsonBody) {
        this.jsonBody = jsonBody;
    }

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    @DataBoundSetter
    public void setTimeoutSeconds(Integer timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    public String getJsonPath() {
        return jsonPath;
    }

    @DataBoundSetter
    public void setJsonPath(String jsonPath) {
        this.jsonPath = jsonPath;
    }

    @Override
    public Map<String, Object> toPlan() {
        Map<String, Object> web = new LinkedHashMap<>();
        web.put("url", url);
        Literals.put(web, "method", method);
        Literals.put(web, "headers", Literals.plans(headers, HttpHeader::toPlan));
        Literals.put(web, "body", body);
        Literals.put(web, "jsonBody", Literals.yaml(jsonBody, "web: jsonBody"));
        Literals.put(web, "timeoutSeconds", timeoutSeconds);
        Literals.put(web, "jsonPath", jsonPath);
        return Map.of("web", web);
    }

    @Extension
    @Symbol("web")
    public static final class DescriptorImpl extends MetricProviderDescriptor implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Web request (JSON)";
        }

        /** {@code headers: [Accept: 'application/json']} and {@code jsonBody: [query: '...']} as the plan writes them. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.text(Literals.pairs(Literals.checked(WebQuery.class, arguments), "headers", "key", "value"), "jsonBody");
        }
    }
}
