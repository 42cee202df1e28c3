package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.Map;

/**
 * Where a metric's values come from: {@code prometheus(query: '...')} or {@code [prometheus: [query: '...']]}.
 *
 * <p>Adding a provider the engine learnt ({@code web}, {@code job}): a class extending this one with a
 * {@code @Symbol("web")} descriptor extending {@link MetricProviderDescriptor}, whose {@link #toPlan()} returns
 * {@code {web: {...}}}, plus its {@code config.jelly} and help files. A Kubernetes Job's spec is not a typed structure
 * worth mirroring: take it as a YAML string and parse it in {@code toPlan()} (still no {@code Map} parameter).
 */
public abstract class MetricProvider extends AbstractDescribableImpl<MetricProvider> {
    /** The provider as the engine's plan reads it: one key, the provider's name. */
    public abstract Map<String, Object> toPlan();

    public abstract static class MetricProviderDescriptor extends Descriptor<MetricProvider> {
    }
}
