package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code spec} of an Argo Rollouts AnalysisTemplate: arguments, metrics, {@code dryRun} and
 * {@code measurementRetention}; used inline in a canary step, by the {@code analysisGate} step, and loaded from an
 * AnalysisTemplate file. {@code templates} names AnalysisTemplates in the cluster to merge in, as Argo's
 * {@code analysis.templates}.
 *
 * @param conditionLanguage {@code expr} (Argo's expression language; the default) or {@code cel}
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AnalysisSpec(List<ArgumentSpec> args, List<MetricSpec> metrics, List<MetricSelector> dryRun,
                           List<MetricSelector> measurementRetention, List<TemplateRef> templates,
                           String conditionLanguage) implements Serializable {
    private static final long serialVersionUID = 1L;

    public AnalysisSpec {
        args = args == null ? List.of() : List.copyOf(args);
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
        dryRun = dryRun == null ? List.of() : List.copyOf(dryRun);
        measurementRetention = measurementRetention == null ? List.of() : List.copyOf(measurementRetention);
        templates = templates == null ? List.of() : List.copyOf(templates);
    }

    public AnalysisSpec(List<ArgumentSpec> args, List<MetricSpec> metrics) {
        this(args, metrics, null, null, null, null);
    }

    public AnalysisSpec withArgsAndMetrics(List<ArgumentSpec> newArgs, List<MetricSpec> newMetrics) {
        return new AnalysisSpec(newArgs, newMetrics, dryRun, measurementRetention, templates, conditionLanguage);
    }

    /** Whether a metric only records its measurements and never decides the verdict ({@code dryRun}). */
    public boolean isDryRun(String metricName) {
        return dryRun.stream().anyMatch(selector -> selector.matches(metricName));
    }

    /** How many measurements of a metric are kept: its {@code measurementRetention} limit, or {@code fallback}. */
    public int retention(String metricName, int fallback) {
        for (MetricSelector selector : measurementRetention) {
            if (selector.matches(metricName) && selector.limit() != null && selector.limit() > 0) {
                return selector.limit();
            }
        }
        return fallback;
    }

    /**
     * A {@code dryRun} or {@code measurementRetention} entry: {@code metricName} is a metric's name or, as in Argo,
     * a regular expression matching whole names ({@code .*}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MetricSelector(String metricName, Integer limit) implements Serializable {
        private static final long serialVersionUID = 1L;

        public boolean matches(String name) {
            if (metricName == null || name == null) {
                return false;
            }
            if (metricName.equals(name)) {
                return true;
            }
            try {
                return Pattern.compile(metricName).matcher(name).matches();
            } catch (PatternSyntaxException e) {
                return false;
            }
        }
    }

    /** An AnalysisTemplate (or, with {@code clusterScope: true}, a ClusterAnalysisTemplate) in the cluster. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TemplateRef(String templateName, Boolean clusterScope) implements Serializable {
        private static final long serialVersionUID = 1L;

        public boolean cluster() {
            return Boolean.TRUE.equals(clusterScope);
        }
    }
}
