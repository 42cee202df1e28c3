package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.model.AbstractDescribableImpl;
import java.util.List;
import java.util.Map;

/**
 * A name and a value: the typed form of one entry of a map literal ({@code [track: 'canary']}), what
 * {@link PodLabel}, {@link IngressAnnotation} and {@link SeriesLabel} have in common. Each keeps its own symbol, form,
 * help and {@code @DataBoundConstructor} (structs reads the parameter names from the concrete class), and how it
 * tidies the name.
 */
public abstract class AbstractNameValue<T extends AbstractNameValue<T>> extends AbstractDescribableImpl<T> {
    private final String name;
    private final String value;

    protected AbstractNameValue(String name, String value) {
        this.name = name;
        this.value = value;
    }

    public String getName() {
        return name;
    }

    public String getValue() {
        return value;
    }

    /** The pairs as the plan's mapping of names to values; null when none were given. */
    public static <P extends AbstractNameValue<?>> Map<String, Object> toPlan(List<P> pairs) {
        return Literals.mapping(pairs, AbstractNameValue::getName, AbstractNameValue::getValue);
    }
}
