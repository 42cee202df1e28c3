package io.jenkins.plugins.progressivedelivery.fakes;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks the {@code @DataBoundConstructor}/{@code @DataBoundSetter} graph of a type as structs' {@code ParameterType.of}
 * classifies it, and lists what the Steps Reference, the Snippet Generator and Declarative's validator could not
 * describe: a {@code Map} (structs: "do not know how to categorize attributes of type java.util.Map"), an
 * {@code Object} or untyped list (every Describable in Jenkins would be offered), an abstract type with no described
 * subtype, a parameter without a getter (the Snippet Generator reads it back), or one without its help file.
 */
public final class ModelWalk {
    private final Set<Class<?>> seen = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();

    private ModelWalk() {
    }

    /** Everything wrong in the graph under {@code root}; empty when structs can describe all of it. */
    public static List<String> problems(Class<?> root) {
        ModelWalk walk = new ModelWalk();
        walk.model(root);
        return walk.problems;
    }

    /** Every type the graph under {@code root} reaches, for the tests that check each one's views. */
    public static Set<Class<?>> types(Class<?> root) {
        ModelWalk walk = new ModelWalk();
        walk.model(root);
        return walk.seen;
    }

    /** The parameters of a type by name, required (constructor) ones first, as {@code DescribableModel} lists them. */
    public static Map<String, Type> parameters(Class<?> type) {
        Map<String, Type> parameters = new LinkedHashMap<>();
        Constructor<?> constructor = Structs.constructor(type);
        String[] names = Structs.parameterNames(constructor);
        for (int i = 0; i < names.length; i++) {
            parameters.put(names[i], constructor.getGenericParameterTypes()[i]);
        }
        Structs.setters(type).forEach((name, setter) -> parameters.put(name, setter.getGenericParameterTypes()[0]));
        return parameters;
    }

    private void model(Class<?> type) {
        if (!seen.add(type)) {
            return;
        }
        Map<String, Type> parameters;
        try {
            parameters = parameters(type);
        } catch (RuntimeException e) {
            problems.add(type.getName() + ": " + e.getMessage());
            return;
        }
        parameters.forEach((name, parameterType) -> {
            String where = type.getSimpleName() + "." + name;
            if (getter(type, name) == null) {
                problems.add(where + ": no getter, so the Snippet Generator cannot read it back");
            }
            if (type.getResource(type.getSimpleName() + "/help-" + name + ".html") == null) {
                problems.add(where + ": no help-" + name + ".html");
            }
            classify(where, parameterType);
        });
    }

    private void classify(String where, Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (Collection.class.isAssignableFrom(raw)) {
                classify(where + "[]", p.getActualTypeArguments()[0]);
                return;
            }
            problems.add(where + ": " + type + " cannot be categorised by structs");
            return;
        }
        if (!(type instanceof Class<?> c)) {
            problems.add(where + ": " + type + " (a type variable or wildcard) cannot be categorised by structs");
            return;
        }
        if (c == String.class || c.isPrimitive() || c == Integer.class || c == Long.class || c == Boolean.class
                || c == Double.class || c.isEnum()) {
            return;
        }
        if (c == Object.class || Map.class.isAssignableFrom(c) || Collection.class.isAssignableFrom(c)) {
            problems.add(where + ": " + c.getName() + " is not a type structs can describe");
            return;
        }
        List<Class<?>> subtypes = Structs.subtypes(c);
        if (subtypes.isEmpty()) {
            problems.add(where + ": " + c.getName() + " has no descriptor (@Extension) for it or a subtype");
            return;
        }
        if (!Modifier.isAbstract(c.getModifiers()) && !subtypes.contains(c)) {
            problems.add(where + ": " + c.getName() + " is concrete but has no descriptor of its own");
        }
        subtypes.forEach(this::model);
    }

    private static Method getter(Class<?> type, String name) {
        String capitalised = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String prefix : List.of("get", "is")) {
            try {
                return type.getMethod(prefix + capitalised);
            } catch (NoSuchMethodException e) {
                // try the next
            }
        }
        return null;
    }
}
