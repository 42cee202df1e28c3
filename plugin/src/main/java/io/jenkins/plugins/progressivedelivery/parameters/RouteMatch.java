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
 * A request condition of a mirror route: {@code [method: [exact: 'GET'], path: [prefix: '/api'],
 * headers: ['X-Debug': [exact: '1']]]}; every part optional, all of them required to hold. The header map binds as a list
 * of {@link HeaderMatch}es.
 */
public final class RouteMatch extends AbstractDescribableImpl<RouteMatch> {
    private StringMatch method;
    private StringMatch path;
    private List<HeaderMatch> headers;

    @DataBoundConstructor
    public RouteMatch() {
    }

    public StringMatch getMethod() {
        return method;
    }

    @DataBoundSetter
    public void setMethod(StringMatch method) {
        this.method = method;
    }

    public StringMatch getPath() {
        return path;
    }

    @DataBoundSetter
    public void setPath(StringMatch path) {
        this.path = path;
    }

    public List<HeaderMatch> getHeaders() {
        return headers;
    }

    @DataBoundSetter
    public void setHeaders(List<HeaderMatch> headers) {
        this.headers = Literals.copy(headers);
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> match = new LinkedHashMap<>();
        Literals.put(match, "method", method == null ? null : method.toPlan());
        Literals.put(match, "path", path == null ? null : path.toPlan());
        if (headers != null && !headers.isEmpty()) {
            Map<String, Object> byName = new LinkedHashMap<>();
            headers.forEach(header -> byName.put(header.getHeaderName(),
                    header.getHeaderValue() == null ? null : header.getHeaderValue().toPlan()));
            match.put("headers", byName);
        }
        return match;
    }

    @Extension
    @Symbol("routeMatch")
    public static final class DescriptorImpl extends Descriptor<RouteMatch> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Request match";
        }

        /** {@code headers: ['X-Debug': [exact: '1']]}, the plan's shape, as a list of header matches. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.entries(Literals.checked(RouteMatch.class, arguments), "headers", "headerName", "headerValue");
        }
    }
}
