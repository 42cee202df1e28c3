package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * A Prometheus server without a query, for the judge and the built-in metrics, which write their own:
 * {@code [address: 'http://prometheus:9090']}. Credentials come from the step, never from here.
 */
public final class PrometheusEndpoint extends AbstractDescribableImpl<PrometheusEndpoint> {
    private String address;
    private String timeout;
    private List<HttpHeader> headers;

    @DataBoundConstructor
    public PrometheusEndpoint() {
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

    public Map<String, Object> toPlan() {
        Map<String, Object> prometheus = new LinkedHashMap<>();
        Literals.put(prometheus, "address", address);
        Literals.put(prometheus, "timeout", timeout);
        Literals.put(prometheus, "headers", Literals.plans(headers, HttpHeader::toPlan));
        return prometheus;
    }

    @Extension
    @Symbol("prometheusEndpoint")
    public static final class DescriptorImpl extends Descriptor<PrometheusEndpoint> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Prometheus server";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.pairs(Literals.checked(PrometheusEndpoint.class, arguments), "headers", "key", "value");
        }
    }
}
