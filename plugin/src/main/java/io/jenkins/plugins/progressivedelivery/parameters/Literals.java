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

    // ---- the way back: the engine's plan maps ----------------------------------------------------------------------

    /** Puts {@code value} unless it is null or blank: what was not given stays out of the plan (engine defaults). */
    public static void put(Map<String, Object> plan, String key, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            plan.put(key, value instanceof String s ? s.trim() : value);
        }
    }

    public static <T> List<T> copy(List<T> list) {
        return list == null ? null : List.copyOf(list.stream().filter(java.util.Objects::nonNull).toList());
    }
}
