package io.jenkins.plugins.progressivedelivery.parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable;

/**
 * The Groovy literals the steps have always taken, rewritten into what structs binds to the typed parameters. Used by
 * the descriptors' {@code customInstantiate}, which structs calls with the raw arguments before it binds them (and
 * again for every nested object it instantiates, so each type rewrites only its own fields):
 * <ul>
 *   <li>a one-key map naming a symbol, {@code [setWeight: 10]} or {@code [prometheus: [query: '...']]}, becomes that
 *       symbol, as if {@code setWeight(10)} or {@code prometheus(query: '...')} had been written;</li>
 *   <li>a map of names to values, {@code [service: 'web']}, becomes a list of pairs,
 *       {@code [[name: 'service', value: 'web']]}.</li>
 * </ul>
 * Anything else passes through untouched, so the symbol forms and {@code $class} maps bind as structs binds them.
 */
public final class Literals {
    /** structs' key for a symbol's single unnamed argument ({@code setWeight(10)}). */
    static final String ANONYMOUS = UninstantiatedDescribable.ANONYMOUS_KEY;
    private static final String CLAZZ = "$class";

    private Literals() {
    }

    /** {@code arguments} with each one-key map in the list under {@code key} turned into its symbol. */
    public static Map<String, Object> symbolList(Map<String, Object> arguments, String key) {
        Object value = arguments.get(key);
        if (!(value instanceof List<?> list)) {
            return arguments;
        }
        List<Object> converted = new ArrayList<>(list.size());
        for (Object element : list) {
            converted.add(symbol(element));
        }
        return with(arguments, key, converted);
    }

    /** {@code arguments} with the one-key map under {@code key} turned into its symbol. */
    public static Map<String, Object> symbolValue(Map<String, Object> arguments, String key) {
        return arguments.containsKey(key) ? with(arguments, key, symbol(arguments.get(key))) : arguments;
    }

    /**
     * {@code arguments} with a map under {@code key} turned into a list of {@code [nameKey: k, valueKey: v]}; values
     * become strings (what the engine takes), so {@code [port: 8080]} binds to a string field.
     */
    public static Map<String, Object> pairs(Map<String, Object> arguments, String key, String nameKey,
                                            String valueKey) {
        Object value = arguments.get(key);
        if (!(value instanceof Map<?, ?> map) || map.containsKey(CLAZZ)) {
            return arguments;
        }
        List<Object> pairs = new ArrayList<>(map.size());
        map.forEach((k, v) -> {
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put(nameKey, String.valueOf(k));
            pair.put(valueKey, v == null ? null : v.toString());
            pairs.add(pair);
        });
        return with(arguments, key, pairs);
    }

    /**
     * {@code arguments} if every name in it is a parameter of {@code type}; else an error naming the unknown one and
     * the known ones. structs only warns about an unknown name outside Jenkins' own tests (and drops it), which would
     * let {@code sucessCondition: ...} pass unnoticed; the engine used to refuse it, and still should.
     */
    public static Map<String, Object> checked(Class<?> type, Map<String, Object> arguments) {
        Map<String, Class<?>> known = PARAMETERS.get(type);
        Map<String, Object> converted = null;
        for (Map.Entry<String, Object> argument : arguments.entrySet()) {
            String name = argument.getKey();
            if (!known.containsKey(name) && !ANONYMOUS.equals(name) && !CLAZZ.equals(name)) {
                throw new IllegalArgumentException(describe(type) + ": unknown parameter '" + name
                        + "'; its parameters are " + String.join(", ", known.keySet()) + " (check the spelling)");
            }
            // interval: 60, readinessTimeout: 600, value: 8080: numbers the engine reads (as seconds, or as text)
            // where the parameter is a string; structs would refuse them with a ClassCastException
            if (known.get(name) == String.class && (argument.getValue() instanceof Number
                    || argument.getValue() instanceof Boolean)) {
                if (converted == null) {
                    converted = new LinkedHashMap<>(arguments);
                }
                converted.put(name, argument.getValue().toString());
            }
            // min: 99 is an Integer in Groovy; a Double parameter takes it as the number it is
            if (known.get(name) == Double.class && argument.getValue() instanceof Number number
                    && !(number instanceof Double)) {
                if (converted == null) {
                    converted = new LinkedHashMap<>(arguments);
                }
                converted.put(name, number.doubleValue());
            }
        }
        return converted == null ? arguments : converted;
    }

    private static String describe(Class<?> type) {
        for (Class<?> nested : type.getDeclaredClasses()) {
            org.jenkinsci.Symbol symbol = nested.getAnnotation(org.jenkinsci.Symbol.class);
            if (symbol != null && symbol.value().length > 0) {
                return symbol.value()[0];
            }
        }
        return type.getSimpleName();
    }

    /** The names structs binds: the {@code @DataBoundConstructor}'s parameters and the {@code @DataBoundSetter}s. */
    private static final ClassValue<Map<String, Class<?>>> PARAMETERS = new ClassValue<>() {
        @Override
        protected Map<String, Class<?>> computeValue(Class<?> type) {
            Map<String, Class<?>> names = new java.util.TreeMap<>();
            for (java.lang.reflect.Constructor<?> constructor : type.getConstructors()) {
                if (constructor.isAnnotationPresent(org.kohsuke.stapler.DataBoundConstructor.class)) {
                    for (java.lang.reflect.Parameter parameter : constructor.getParameters()) {
                        names.put(parameter.getName(), parameter.getType());
                    }
                }
            }
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (java.lang.reflect.Method method : c.getDeclaredMethods()) {
                    if (method.isAnnotationPresent(org.kohsuke.stapler.DataBoundSetter.class)) {
                        names.put(java.beans.Introspector.decapitalize(method.getName().substring(3)),
                                method.getParameterTypes()[0]);
                    }
                }
            }
            return java.util.Collections.unmodifiableMap(names);
        }
    };

    private static Object symbol(Object element) {
        if (element instanceof Map<?, ?> map && map.size() == 1 && !map.containsKey(CLAZZ)) {
            Map.Entry<?, ?> only = map.entrySet().iterator().next();
            Map<String, Object> args = new LinkedHashMap<>();
            if (only.getValue() instanceof Map<?, ?> named) {
                named.forEach((k, v) -> args.put(String.valueOf(k), v));
            } else {
                args.put(ANONYMOUS, only.getValue());
            }
            return new UninstantiatedDescribable(String.valueOf(only.getKey()), null, args);
        }
        return element;
    }

    private static Map<String, Object> with(Map<String, Object> arguments, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(arguments);
        copy.put(key, value);
        return copy;
    }

    /**
     * {@code arguments} with a map under {@code key} turned into a list of {@code [nameKey: k, valueKey: v]}, the
     * values kept as they are (nested objects: {@code headers: ['X-Debug': [exact: '1']]}).
     */
    public static Map<String, Object> entries(Map<String, Object> arguments, String key, String nameKey,
                                              String valueKey) {
        Object value = arguments.get(key);
        if (!(value instanceof Map<?, ?> map) || map.containsKey(CLAZZ)) {
            return arguments;
        }
        List<Object> entries = new ArrayList<>(map.size());
        map.forEach((k, v) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put(nameKey, String.valueOf(k));
            entry.put(valueKey, v);
            entries.add(entry);
        });
        return with(arguments, key, entries);
    }

    /**
     * {@code arguments} with a map or list under {@code key} (a Job spec, a JSON body written as a Groovy literal)
     * turned into its JSON text, for a text parameter that {@link #yaml} reads back.
     */
    public static Map<String, Object> text(Map<String, Object> arguments, String key) {
        Object value = arguments.get(key);
        if (!(value instanceof Map<?, ?>) && !(value instanceof List<?>)) {
            return arguments;
        }
        try {
            return with(arguments, key, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(key + ": cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code arguments} with a list under {@code key} joined by commas, for a comma-separated text parameter. */
    public static Map<String, Object> commaSeparated(Map<String, Object> arguments, String key) {
        Object value = arguments.get(key);
        if (!(value instanceof List<?> list)) {
            return arguments;
        }
        return with(arguments, key, String.join(",", list.stream().map(String::valueOf).toList()));
    }

    // ---- the way back: the engine's plan maps ----------------------------------------------------------------------

    /** Puts {@code value} unless it is null or blank: what was not given stays out of the plan (engine defaults). */
    public static void put(Map<String, Object> plan, String key, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            plan.put(key, value instanceof String s ? s.trim() : value);
        }
    }

    /**
     * A YAML (or JSON) text parameter as the value the plan holds; null for blank.
     *
     * @param field names the parameter in the error, e.g. {@code hook 'migrate': job}
     */
    public static Object yaml(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readValue(text, Object.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(field + ": is not valid YAML or JSON: " + e.getMessage(), e);
        }
    }

    /** The plan maps of a list of parameter values; null when there are none (what was not given stays out). */
    public static <T> List<Object> plans(List<T> values, java.util.function.Function<T, ?> toPlan) {
        return values == null || values.isEmpty() ? null : values.stream().<Object>map(toPlan).toList();
    }

    /**
     * A list of name/value parameters (labels, annotations) as the plan's mapping, in the order given; null when there
     * are none. The inverse of {@link #pairs}.
     */
    public static <T> Map<String, Object> mapping(List<T> pairs, java.util.function.Function<T, String> name,
            java.util.function.Function<T, String> value) {
        if (pairs == null || pairs.isEmpty()) {
            return null;
        }
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        pairs.forEach(pair -> map.put(name.apply(pair), value.apply(pair)));
        return map;
    }

    /** A comma-separated parameter as a list of its trimmed, non-empty items; null when there are none. */
    public static List<String> items(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return null;
        }
        return java.util.Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
    }

    public static <T> List<T> copy(List<T> list) {
        return list == null ? null : List.copyOf(list.stream().filter(java.util.Objects::nonNull).toList());
    }
}
