package io.jenkins.plugins.progressivedelivery.engine.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Several AnalysisTemplates merged into one analysis, as Argo Rollouts' {@code FlattenTemplates} and
 * {@code MergeArgs} ({@code utils/analysis/helpers.go}) do for an AnalysisRun: the metrics, {@code dryRun} and
 * {@code measurementRetention} entries of all templates side by side (a metric name used twice is an error), the
 * arguments united by name (declared twice with different values is an error; a value wins over none), and the
 * caller's arguments (a step's {@code args}) setting the values.
 */
public final class AnalysisTemplates {
    private AnalysisTemplates() {
    }

    /** One template with a name for messages. */
    public record Named(String name, AnalysisSpec spec) {
        public Named {
            Objects.requireNonNull(spec, "spec");
        }
    }

    /**
     * @param templates  in the order they are referenced
     * @param callerArgs the step's {@code args}, giving values to arguments the templates declare; may be empty
     * @param inline     metrics written next to {@code templates} (this engine's extension), or null
     * @throws InvalidPlanException naming the templates that disagree
     */
    public static AnalysisSpec merge(List<Named> templates, List<ArgumentSpec> callerArgs, AnalysisSpec inline,
                                     String sourceName) {
        List<ValidationError> errors = new ArrayList<>();
        Map<String, String> owners = new LinkedHashMap<>();
        List<MetricSpec> metrics = new ArrayList<>();
        List<AnalysisSpec.MetricSelector> dryRun = new ArrayList<>();
        List<AnalysisSpec.MetricSelector> retention = new ArrayList<>();
        Map<String, ArgumentSpec> args = new LinkedHashMap<>();
        Map<String, String> argOwners = new LinkedHashMap<>();
        String language = null;
        List<Named> all = new ArrayList<>(templates);
        if (inline != null && !inline.metrics().isEmpty()) {
            all.add(new Named("the inline metrics", new AnalysisSpec(inline.args(), inline.metrics(),
                    inline.dryRun(), inline.measurementRetention(), null, inline.conditionLanguage())));
        }
        for (Named template : all) {
            for (MetricSpec metric : template.spec().metrics()) {
                String owner = owners.putIfAbsent(metric.name(), template.name());
                if (owner != null) {
                    errors.add(new ValidationError("metrics", "two metrics have the same name '" + metric.name()
                            + "' (in " + owner + " and " + template.name() + "); rename one"));
                } else {
                    metrics.add(metric);
                }
            }
            dryRun.addAll(template.spec().dryRun());
            retention.addAll(template.spec().measurementRetention());
            for (ArgumentSpec arg : template.spec().args()) {
                ArgumentSpec existing = args.get(arg.name());
                if (existing == null) {
                    args.put(arg.name(), arg);
                    argOwners.put(arg.name(), template.name());
                } else if (existing.value() != null && arg.value() != null && !existing.value().equals(arg.value())) {
                    errors.add(new ValidationError("args", "argument '" + arg.name() + "' is declared with"
                            + " different values: '" + existing.value() + "' in " + argOwners.get(arg.name()) + ", '"
                            + arg.value() + "' in " + template.name() + "; make them agree"));
                } else if (existing.value() == null && arg.value() != null) {
                    args.put(arg.name(), arg);
                }
            }
            String templateLanguage = template.spec().conditionLanguage();
            if (templateLanguage != null) {
                if (language != null && !language.equalsIgnoreCase(templateLanguage)) {
                    errors.add(new ValidationError("conditionLanguage", template.name() + " writes conditions in "
                            + templateLanguage + ", another template in " + language + "; merged templates share one"));
                }
                language = templateLanguage;
            }
        }
        for (ArgumentSpec arg : callerArgs == null ? List.<ArgumentSpec>of() : callerArgs) {
            if (!args.containsKey(arg.name())) {
                errors.add(new ValidationError("args", "argument '" + arg.name() + "' is not declared by "
                        + names(templates) + " (declared: " + (args.isEmpty() ? "none" : String.join(", ",
                        args.keySet())) + "); remove it or declare it in a template"));
            } else if (arg.value() != null) {
                args.put(arg.name(), arg);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidPlanException(sourceName, errors);
        }
        return new AnalysisSpec(new ArrayList<>(args.values()), metrics, dryRun, retention, null, language);
    }

    private static String names(List<Named> templates) {
        List<String> names = new ArrayList<>();
        templates.forEach(t -> names.add(t.name()));
        return names.isEmpty() ? "the analysis" : String.join(", ", names);
    }
}
