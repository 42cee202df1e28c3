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
 * {@code prometheus(query: 'up')}: an instant PromQL query, as Argo's {@code provider.prometheus}. Without an
 * {@code address} the step's Prometheus server ({@code prometheus: 'prod'}, or the first one configured in Manage
 * Jenkins » System) is used.
 */
public final class PrometheusQuery extends MetricProvider {
    private final String query;
    private String address;
    private String timeout;
    private List<HttpHeader> headers;

    @DataBoundConstructor
    public PrometheusQuery(String query) {
        this.query = query;
    }

    public String getQuery() {
        return query;
    }

    public String getAddress() {
        return address;
    }

    @DataBoundSetter
    public void setAddress(String address) {
        this.address = address;
    }

    public String getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public List<HttpHeader> getHeaders() {
        return headers;
    }

    @DataBoundSetter
    public void setHeaders(List<HttpHeader> headers) {
        this.headers = Literals.copy(headers);
    }

    @Override
    public Map<String, Object> toPlan() {
        Map<String, Object> prometheus = new LinkedHashMap<>();
        Literals.put(prometheus, "address", address);
        prometheus.put("query", query);
        Literals.put(prometheus, "timeout", timeout);
        if (headers != null && !headers.isEmpty()) {
            prometheus.put("headers", headers.stream().map(HttpHeader::toPlan).toList());
        }
        return Map.of("prometheus", prometheus);
    }

    @Extension
    @Symbol("prometheus")
    public static final class DescriptorImpl extends MetricProviderDescriptor implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Prometheus query";
        }

        /** {@code headers: ['X-Scope-OrgID': 'team-a']} as well as a list of {@code [key:, value:]}. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.pairs(Literals.checked(PrometheusQuery.class, arguments), "headers", "key", "value");
        }
    }
}
