package io.jenkins.plugins.progressivedelivery.engine.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.BuiltinThresholds;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.JobSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.WebSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ArgumentSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks an analysis before it runs (and before a rollout touches the cluster), returning every problem at once
 * with its field path and how to fix it. Rules follow Argo Rollouts' {@code ValidateMetric}, plus what this engine
 * needs: conditions compile, every placeholder names a declared argument, a step analysis ends.
 */
public final class AnalysisValidation {
    /** Headers the JDK HTTP client sets itself and refuses to take from a caller. */
    private static final Set<String> RESTRICTED_HEADERS =
            Set.of("connection", "content-length", "expect", "host", "upgrade");

    private AnalysisValidation() {
    }

    /**
     * @param pathPrefix   where the analysis sits in its document ({@code steps[2].analysis}), or empty
     * @param stepAnalysis the analysis gates a step, so it must end: an {@code interval} needs a {@code count}
     */
    public static List<ValidationError> validate(AnalysisSpec spec, String pathPrefix, boolean stepAnalysis) {
        List<ValidationError> errors = new ArrayList<>();
        if (spec == null) {
            errors.add(new ValidationError(pathPrefix, "is empty; add metrics"));
            return errors;
        }
        Map<String, String> defaults = validateArgs(spec.args(), pathPrefix, errors);
        Map<String, String> standIns = standIns(defaults);
        String language = spec.conditionLanguage();
        if (language != null && !language.equalsIgnoreCase(Condition.EXPR) && !language.equalsIgnoreCase(Condition.CEL)) {
            errors.add(new ValidationError(Arguments.join(pathPrefix, "conditionLanguage"), "'" + language
                    + "' is not a condition language; use expr (Argo's, the default) or cel"));
            language = null;
        }
        validateTemplateRefs(spec, pathPrefix, errors);
        validateSelectors(spec.dryRun(), spec, Arguments.join(pathPrefix, "dryRun"), false, errors);
        validateSelectors(spec.measurementRetention(), spec, Arguments.join(pathPrefix, "measurementRetention"), true,
                errors);
        if (spec.metrics().isEmpty() && spec.templates().isEmpty()) {
            errors.add(new ValidationError(Arguments.join(pathPrefix, "metrics"),
                    "no metrics; add at least one metric with a provider and a successCondition or failureCondition"));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.metrics().size(); i++) {
            String path = Arguments.join(pathPrefix, "metrics[" + i + "]");
            MetricSpec metric = spec.metrics().get(i);
            if (metric == null) {
                errors.add(new ValidationError(path, "is empty; write a metric with a name and a provider"));
                continue;
            }
            if (metric.name() == null || metric.name().isBlank()) {
                errors.add(new ValidationError(path + ".name", "is empty; give every metric a name"));
            } else if (!names.add(metric.name())) {
                errors.add(new ValidationError(path + ".name", "'" + metric.name()
                        + "' is used by another metric; metric names must be unique"));
            }
            validateSchedule(metric, path, stepAnalysis, errors);
            if (BuiltinThresholds.isBuiltin(metric)) {
                // [name: 'success-rate', min: 99]: the query and the condition are built when it runs
                errors.addAll(BuiltinThresholds.validate(metric, path));
                PrometheusSpec own = metric.provider() == null ? null : metric.provider().prometheus();
                if (own != null && own.address() != null) {
                    validateAddress(own.address(), path + ".provider.prometheus.address", defaults, standIns, errors);
                }
                continue;
            }
            if (metric.workload() != null || metric.namespace() != null) {
                errors.add(new ValidationError(path + (metric.workload() != null ? ".workload" : ".namespace"),
                        "only a built-in metric (with min or max) takes a workload and namespace; put them in the"
                                + " query"));
            }
            validateCondition(metric.successCondition(), path + ".successCondition", standIns, language, errors);
            validateCondition(metric.failureCondition(), path + ".failureCondition", standIns, language, errors);
            validateProvider(metric, path, defaults, standIns, errors);
        }
        return errors;
    }

    /**
     * Why {@code address} is not a usable Prometheus address, or null: it must be an absolute http(s) URL with a
     * host, and without credentials (they would end up in logs; they come from the runtime's credentials instead).
     */
    public static String addressProblem(String address) {
        if (address == null || address.isBlank()) {
            return "is empty; write the Prometheus URL, e.g. http://prometheus.monitoring:9090";
        }
        URI uri;
        try {
            uri = new URI(address.trim());
        } catch (URISyntaxException e) {
            return "'" + address + "' is not a URL (" + e.getReason() + "); write one like http://prometheus.monitoring:9090";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "'" + address + "' is not an http or https URL; write one like http://prometheus.monitoring:9090";
        }
        if (uri.getRawUserInfo() != null) {
            return "contains credentials; remove them from the URL and configure the Prometheus credentials instead";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "'" + address + "' has no host; write one like http://prometheus.monitoring:9090";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "'" + address + "' has a query or fragment; give only the base URL, the engine adds /api/v1/query";
        }
        return null;
    }

    private static Map<String, String> validateArgs(List<ArgumentSpec> args, String pathPrefix,
                                                    List<ValidationError> errors) {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            ArgumentSpec arg = args.get(i);
            String path = Arguments.join(pathPrefix, "args[" + i + "]");
            if (arg == null || arg.name() == null || arg.name().isBlank()) {
                errors.add(new ValidationError(path + ".name", "is empty; name the argument as it is used in"
                        + " {{args.NAME}}"));
                continue;
            }
            if (!arg.name().matches("[A-Za-z0-9_.\\-]+")) {
                errors.add(new ValidationError(path + ".name", "'" + arg.name()
                        + "' is not a valid argument name; use letters, digits, '_', '-' and '.'"));
            }
            if (defaults.containsKey(arg.name())) {
                errors.add(new ValidationError(path + ".name", "args." + arg.name()
                        + " is declared twice; keep one"));
            }
            defaults.put(arg.name(), arg.value());
        }
        return defaults;
    }

    private static void validateSchedule(MetricSpec metric, String path, boolean stepAnalysis,
                                         List<ValidationError> errors) {
        if (metric.count() != null && metric.count() < 0) {
            errors.add(new ValidationError(path + ".count", metric.count()
                    + " is not a number of measurements; use 1 or more (omit it, or 0, with an interval to measure"
                    + " until the analysis is stopped)"));
        }
        if (metric.count() != null && metric.count() > 1 && metric.interval() == null) {
            errors.add(new ValidationError(path + ".interval", "is required when count > 1; say how long to wait"
                    + " between measurements, e.g. interval: 1m"));
        }
        if (metric.interval() != null && !isPositive(metric.interval())) {
            errors.add(new ValidationError(path + ".interval", "must be longer than 0s; e.g. interval: 1m"));
        }
        if (metric.initialDelay() != null && metric.initialDelay().isNegative()) {
            errors.add(new ValidationError(path + ".initialDelay", "must not be negative; e.g. initialDelay: 30s"));
        }
        if (stepAnalysis && metric.interval() != null && metric.effectiveCount() == null) {
            errors.add(new ValidationError(path + ".count", "is required: an analysis step must end, and with an"
                    + " interval but no count this metric would measure forever (Argo refuses it in a step too);"
                    + " add e.g. count: 5, or run it as background analysis"));
        }
        if (metric.failureLimit() != null && metric.failureLimit() < MetricSpec.NO_FAILURE_LIMIT) {
            errors.add(new ValidationError(path + ".failureLimit", metric.failureLimit()
                    + " is negative; use 0 or more, or -1 to let only consecutiveSuccessLimit decide"));
        }
        checkLimit(metric.inconclusiveLimit(), "inconclusiveLimit", path, errors);
        checkLimit(metric.consecutiveErrorLimit(), "consecutiveErrorLimit", path, errors);
        checkLimit(metric.consecutiveSuccessLimit(), "consecutiveSuccessLimit", path, errors);
        if (!metric.failureLimitApplies() && metric.effectiveConsecutiveSuccessLimit() == 0) {
            errors.add(new ValidationError(path + ".failureLimit", "-1 turns the failure limit off, so"
                    + " consecutiveSuccessLimit must decide; set consecutiveSuccessLimit to 1 or more"));
        }
        if (metric.count() != null && metric.count() >= 1) {
            if (metric.failureLimit() != null && metric.count() < metric.failureLimit()) {
                errors.add(new ValidationError(path + ".failureLimit", metric.failureLimit() + " is more than count "
                        + metric.count() + ", so the metric could never fail; lower it or raise count"));
            }
            if (metric.inconclusiveLimit() != null && metric.count() < metric.inconclusiveLimit()) {
                errors.add(new ValidationError(path + ".inconclusiveLimit", metric.inconclusiveLimit()
                        + " is more than count " + metric.count() + "; lower it or raise count"));
            }
            int successLimit = metric.effectiveConsecutiveSuccessLimit();
            if (metric.count() < successLimit) {
                errors.add(new ValidationError(path + ".consecutiveSuccessLimit", metric.consecutiveSuccessLimit()
                        + " is more than count " + metric.count() + ", so the metric could never succeed; lower it"
                        + " or raise count"));
            } else if (successLimit > 0 && metric.failureLimitApplies()
                    && metric.count() < metric.effectiveFailureLimit() + successLimit) {
                // Argo's ValidateMetric: with both limits, count must leave room for failureLimit failures and then
                // the streak
                errors.add(new ValidationError(path + ".count", metric.count() + " is less than failureLimit "
                        + metric.effectiveFailureLimit() + " + consecutiveSuccessLimit " + successLimit
                        + " (Argo refuses it); raise count to " + (metric.effectiveFailureLimit() + successLimit)
                        + " or lower a limit"));
            }
        }
    }

    private static void validateTemplateRefs(AnalysisSpec spec, String pathPrefix, List<ValidationError> errors) {
        for (int i = 0; i < spec.templates().size(); i++) {
            AnalysisSpec.TemplateRef ref = spec.templates().get(i);
            String path = Arguments.join(pathPrefix, "templates[" + i + "].templateName");
            if (ref == null || ref.templateName() == null || ref.templateName().isBlank()) {
                errors.add(new ValidationError(path, "is empty; name the AnalysisTemplate in the cluster"));
            } else if (!ref.templateName().matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
                errors.add(new ValidationError(path, "'" + ref.templateName() + "' is not a Kubernetes object name"));
            }
        }
    }

    private static void validateSelectors(List<AnalysisSpec.MetricSelector> selectors, AnalysisSpec spec, String path,
                                          boolean needsLimit, List<ValidationError> errors) {
        for (int i = 0; i < selectors.size(); i++) {
            AnalysisSpec.MetricSelector selector = selectors.get(i);
            String at = path + "[" + i + "]";
            if (selector == null || selector.metricName() == null || selector.metricName().isBlank()) {
                errors.add(new ValidationError(at + ".metricName", "is empty; name a metric (or a regular"
                        + " expression such as .*)"));
                continue;
            }
            if (needsLimit && (selector.limit() == null || selector.limit() < 1)) {
                errors.add(new ValidationError(at + ".limit", "must be 1 or more: how many measurements to keep"));
            }
            if (spec.templates().isEmpty()
                    && spec.metrics().stream().noneMatch(m -> m != null && selector.matches(m.name()))) {
                errors.add(new ValidationError(at + ".metricName", "'" + selector.metricName()
                        + "' matches no metric of the analysis (as in Argo, a rule must match); fix the name"));
            }
        }
    }

    private static void checkLimit(Integer limit, String field, String path, List<ValidationError> errors) {
        if (limit != null && limit < 0) {
            errors.add(new ValidationError(path + "." + field, limit + " is negative; use 0 or more"));
        }
    }

    private static void validateCondition(String condition, String path, Map<String, String> standIns,
                                          String language, List<ValidationError> errors) {
        if (condition == null) {
            return;
        }
        List<ValidationError> substitution = new ArrayList<>();
        String compilable = Arguments.substitute(condition, Arguments.Syntax.CEL, standIns,
                path, substitution);
        errors.addAll(substitution);
        if (!substitution.isEmpty()) {
            return;
        }
        try {
            Condition.compile(compilable, language);
        } catch (IllegalArgumentException e) {
            errors.add(new ValidationError(path, e.getMessage()));
        }
    }

    private static void validateProvider(MetricSpec metric, String path, Map<String, String> defaults,
                                         Map<String, String> standIns, List<ValidationError> errors) {
        if (metric.provider() == null || metric.provider().count() == 0) {
            errors.add(new ValidationError(path + ".provider", "has no provider; add provider.prometheus with an"
                    + " address and a query, provider.web with a url, or provider.job with a Job spec"));
            return;
        }
        if (metric.provider().count() > 1) {
            errors.add(new ValidationError(path + ".provider", "has more than one provider; keep exactly one of"
                    + " prometheus, web and job"));
            return;
        }
        if (metric.provider().web() != null) {
            validateWeb(metric.provider().web(), path + ".provider.web", defaults, standIns, errors);
            return;
        }
        if (metric.provider().job() != null) {
            validateJob(metric.provider().job(), path + ".provider.job", errors);
            return;
        }
        PrometheusSpec prometheus = metric.provider().prometheus();
        String prometheusPath = path + ".provider.prometheus";
        validateAddress(prometheus.address(), prometheusPath + ".address", defaults, standIns, errors);
        if (prometheus.query() == null || prometheus.query().isBlank()) {
            errors.add(new ValidationError(prometheusPath + ".query", "is empty; write a PromQL query whose"
                    + " result the conditions judge"));
        } else {
            Arguments.substitute(prometheus.query(), Arguments.Syntax.PROMQL, standIns,
                    prometheusPath + ".query", errors);
        }
        if (prometheus.timeout() != null && !isPositive(prometheus.timeout())) {
            errors.add(new ValidationError(prometheusPath + ".timeout", "must be longer than 0s; e.g. timeout: 30s"));
        }
        if (prometheus.rangeQuery() != null) {
            validateRange(prometheus.rangeQuery(), prometheusPath + ".rangeQuery", standIns, errors);
        }
        validateHeaders(prometheus.headers(), prometheusPath, standIns, errors);
    }

    private static void validateRange(PrometheusSpec.RangeQuery range, String path, Map<String, String> standIns,
                                      List<ValidationError> errors) {
        String start = Arguments.substitute(range.start(), Arguments.Syntax.CEL, standIns, path + ".start", errors);
        String end = Arguments.substitute(range.end(), Arguments.Syntax.CEL, standIns, path + ".end", errors);
        String problem = RangeTimes.problem(start);
        if (problem != null) {
            errors.add(new ValidationError(path + ".start", problem));
        }
        problem = RangeTimes.problem(end);
        if (problem != null) {
            errors.add(new ValidationError(path + ".end", problem));
        }
        if (range.step() == null || range.step().isBlank()) {
            errors.add(new ValidationError(path + ".step", "is empty; write the resolution, e.g. step: 1m"));
        } else {
            try {
                if (!isPositive(io.jenkins.plugins.progressivedelivery.engine.plan.Durations.parse(range.step()))) {
                    errors.add(new ValidationError(path + ".step", "must be longer than 0s; e.g. step: 1m"));
                }
            } catch (IllegalArgumentException e) {
                errors.add(new ValidationError(path + ".step", e.getMessage()));
            }
        }
    }

    private static void validateWeb(WebSpec web, String path, Map<String, String> defaults,
                                    Map<String, String> standIns, List<ValidationError> errors) {
        List<ValidationError> substitution = new ArrayList<>();
        String url = Arguments.substitute(web.url(), Arguments.Syntax.URL, standIns, path + ".url", substitution);
        errors.addAll(substitution);
        if (web.url() == null || web.url().isBlank()) {
            errors.add(new ValidationError(path + ".url", "is empty; write the URL to ask, e.g. https://status.shop/api"));
        } else if (substitution.isEmpty() && Arguments.placeholders(url).isEmpty()) {
            String problem = urlProblem(url);
            if (problem != null) {
                errors.add(new ValidationError(path + ".url", problem));
            }
        }
        if (!Set.of("GET", "POST", "PUT").contains(web.effectiveMethod())) {
            errors.add(new ValidationError(path + ".method", "'" + web.method() + "' is not GET, POST or PUT"));
        }
        if (web.body() != null && web.jsonBody() != null) {
            errors.add(new ValidationError(path + ".jsonBody", "give either body or jsonBody, not both"));
        }
        if ((web.body() != null || web.jsonBody() != null) && web.effectiveMethod().equals("GET")) {
            errors.add(new ValidationError(path + ".method", "a GET has no body; use method: POST"));
        }
        if (web.timeoutSeconds() != null && web.timeoutSeconds() < 1) {
            errors.add(new ValidationError(path + ".timeoutSeconds", "must be 1 or more"));
        }
        if (Boolean.TRUE.equals(web.insecure())) {
            errors.add(new ValidationError(path + ".insecure", "TLS is always verified here; remove insecure and"
                    + " configure the server's CA certificate"));
        }
        if (web.jsonPath() != null) {
            String problem = io.jenkins.plugins.progressivedelivery.engine.metrics.web.WebProvider
                    .jsonPathProblem(web.jsonPath());
            if (problem != null) {
                errors.add(new ValidationError(path + ".jsonPath", problem));
            }
        }
        validateHeaders(web.headers(), path, standIns, errors);
    }

    private static void validateJob(JobSpec job, String path, List<ValidationError> errors) {
        JsonNode spec = job.spec() == null ? null : io.jenkins.plugins.progressivedelivery.engine.plan.JsonText.tree(
                job.spec());
        if (spec == null || !spec.isObject()) {
            errors.add(new ValidationError(path + ".spec", "is empty; give a Job spec with template.spec.containers"));
            return;
        }
        JsonNode containers = spec.path("template").path("spec").path("containers");
        if (!containers.isArray() || containers.isEmpty()) {
            errors.add(new ValidationError(path + ".spec.template.spec.containers", "is empty; a Job needs at least"
                    + " one container with an image"));
        }
        String restart = spec.path("template").path("spec").path("restartPolicy").asText("");
        if (!restart.equals("Never") && !restart.equals("OnFailure")) {
            errors.add(new ValidationError(path + ".spec.template.spec.restartPolicy", "must be Never or OnFailure"
                    + " for a Job (Kubernetes refuses anything else)"));
        }
    }

    private static void validateHeaders(List<PrometheusSpec.Header> headers, String parent,
                                        Map<String, String> standIns, List<ValidationError> errors) {
        for (int i = 0; i < headers.size(); i++) {
            PrometheusSpec.Header header = headers.get(i);
            String headerPath = parent + ".headers[" + i + "]";
            if (header == null || header.key() == null || header.key().isBlank()) {
                errors.add(new ValidationError(headerPath + ".key", "is empty; name the HTTP header"));
                continue;
            }
            if (!header.key().contains("{{") && !header.key().matches("[!#$%&'*+.^_`|~0-9A-Za-z\\-]+")) {
                errors.add(new ValidationError(headerPath + ".key", "'" + header.key()
                        + "' is not a valid HTTP header name"));
            } else if (RESTRICTED_HEADERS.contains(header.key().toLowerCase(Locale.ROOT))) {
                errors.add(new ValidationError(headerPath + ".key", header.key()
                        + " is set by the HTTP client itself; remove it"));
            } else if (header.key().equalsIgnoreCase("authorization")) {
                errors.add(new ValidationError(headerPath + ".key", "credentials do not belong in the analysis,"
                        + " where they would be logged; configure the bearer token or basic credentials"
                        + " instead"));
            }
            Arguments.substitute(header.key(), Arguments.Syntax.HEADER, standIns,
                    headerPath + ".key", errors);
            if (header.value() == null) {
                errors.add(new ValidationError(headerPath + ".value", "is missing; give the header a value"));
            } else {
                Arguments.substitute(header.value(), Arguments.Syntax.HEADER, standIns,
                        headerPath + ".value", errors);
            }
        }
    }

    /** Why {@code url} is not a usable web provider URL, or null: an absolute http(s) URL with a host, no credentials. */
    public static String urlProblem(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return "'" + url + "' is not a URL (" + e.getReason() + ")";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "'" + url + "' is not an http or https URL";
        }
        if (uri.getRawUserInfo() != null) {
            return "contains credentials; remove them from the URL and configure credentials instead";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "'" + url + "' has no host";
        }
        return null;
    }

    private static void validateAddress(String address, String path, Map<String, String> defaults,
                                        Map<String, String> standIns, List<ValidationError> errors) {
        List<Arguments.Placeholder> placeholders = Arguments.placeholders(address);
        boolean allDefaulted = placeholders.stream()
                .allMatch(p -> p.name() != null && defaults.get(p.name()) != null);
        List<ValidationError> substitution = new ArrayList<>();
        String resolved = Arguments.substitute(address, Arguments.Syntax.URL, standIns, path,
                substitution);
        errors.addAll(substitution);
        if (!substitution.isEmpty()) {
            return;
        }
        if (placeholders.isEmpty() || allDefaulted) {
            String problem = addressProblem(resolved);
            if (problem != null) {
                errors.add(new ValidationError(path, problem));
            }
            return;
        }
        // The value comes with the run; what precedes it must still be able to start an http(s) URL.
        String literalStart = address.substring(0, placeholders.get(0).start()).toLowerCase(Locale.ROOT);
        if (!couldStartHttpUrl(literalStart)) {
            errors.add(new ValidationError(path, "'" + address + "' is not an http or https URL; write one like"
                    + " http://prometheus.monitoring:9090"));
        }
    }

    private static boolean couldStartHttpUrl(String prefix) {
        for (String scheme : new String[] {"http://", "https://"}) {
            if (scheme.startsWith(prefix) || prefix.startsWith(scheme)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Argument values for checking a template: the declared default when there is one, otherwise a harmless
     * stand-in ({@code 0}), so that the text can be compiled and unsafe defaults are reported.
     */
    private static Map<String, String> standIns(Map<String, String> defaults) {
        Map<String, String> values = new HashMap<>();
        defaults.forEach((name, value) -> values.put(name, value == null ? "0" : value));
        return values;
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }
}
