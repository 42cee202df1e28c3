package io.jenkins.plugins.progressivedelivery.fakes;

import hudson.Extension;
import hudson.model.Descriptor;
import java.beans.Introspector;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.java.sezpoz.Index;
import net.java.sezpoz.IndexItem;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * structs' {@code DescribableModel.instantiate} as Pipeline runs it when a step is called, rebuilt from structs 353's
 * source for tests (structs cannot be downloaded here): the descriptors come from the sezpoz index the build wrote,
 * as {@code ExtensionList.lookup(Descriptor.class)} gives them in Jenkins; {@code customInstantiate} runs before the
 * anonymous key is resolved; unknown parameters are only warned about (in {@link #WARNINGS}) and dropped, as in a
 * running Jenkins (its {@code STRICT_PARAMETER_CHECKING} is on only in Jenkins' own tests);
 * a {@code Map} binds to a concrete type, or with {@code $class}; an {@link UninstantiatedDescribable} (what
 * {@code setWeight(10)} is in Pipeline's DSL) binds by its symbol, looked up among the subtypes of the target type.
 */
public final class Structs {
    private static final Map<Class<?>, Descriptor<?>> DESCRIPTORS = descriptors();

    /** What structs would have logged about unknown parameters. */
    public static final List<String> WARNINGS = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Structs() {
    }

    /** A step (or any describable) from the arguments Pipeline's DSL hands it. */
    public static <T> T instantiate(Class<T> type, Map<String, ?> arguments) {
        try {
            return type.cast(instantiate0(type, arguments));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Stapler's {@code bindJSON(bean, json)} on an existing object (a {@code GlobalConfiguration} saving its form,
     * configuration-as-code applying YAML): each given property through its {@code @DataBoundSetter}.
     */
    public static void inject(Object bean, Map<String, ?> properties) {
        Map<String, Method> setters = setters(bean.getClass());
        try {
            for (Map.Entry<String, ?> property : properties.entrySet()) {
                Method setter = setters.get(property.getKey());
                if (setter == null) {
                    throw new IllegalArgumentException("no @DataBoundSetter for " + property.getKey() + " in "
                            + bean.getClass());
                }
                setter.invoke(bean, coerce(property.getKey(), setter.getGenericParameterTypes()[0],
                        property.getValue()));
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * The properties of a data-bound object read back through its getters, nested objects as maps, nulls left out:
     * what configuration-as-code exports and the Snippet Generator reads.
     */
    public static Map<String, Object> uninstantiate(Object bean, java.util.Collection<String> properties) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : properties) {
            Object value = read(bean, name);
            if (value != null) {
                out.put(name, plain(value));
            }
        }
        return out;
    }

    private static Object plain(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(Structs::plain).toList();
        }
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        Constructor<?> constructor = constructor(value.getClass());
        List<String> names = new ArrayList<>(List.of(parameterNames(constructor)));
        names.addAll(setters(value.getClass()).keySet());
        return uninstantiate(value, names);
    }

    private static Object read(Object bean, String name) {
        String capitalised = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String prefix : List.of("get", "is")) {
            try {
                return bean.getClass().getMethod(prefix + capitalised).invoke(bean);
            } catch (NoSuchMethodException e) {
                // try the next
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalArgumentException("no getter for " + name + " in " + bean.getClass());
    }

    /**
     * structs' {@code uninstantiate2}, what the Snippet Generator writes out from a form: each parameter read through
     * its getter, a required one that is null left out, an optional one equal to its default (a control instance made
     * from the required ones) left out, nested objects as symbols ({@link UninstantiatedDescribable}).
     */
    public static Map<String, Object> uninstantiate2(Object bean) {
        Class<?> type = bean.getClass();
        Constructor<?> constructor = constructor(type);
        List<String> required = List.of(parameterNames(constructor));
        Map<String, Object> requiredValues = new LinkedHashMap<>();
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : required) {
            Object value = uncoerce(read(bean, name));
            if (value != null) {
                requiredValues.put(name, value);
                out.put(name, value);
            }
        }
        Object control;
        try {
            control = instantiate0(type, requiredValues);
        } catch (Exception e) {
            control = null;
        }
        for (String name : setters(type).keySet()) {
            Object value = uncoerce(read(bean, name));
            Object byDefault = control == null ? null : uncoerce(read(control, name));
            if (!java.util.Objects.equals(value, byDefault)) {
                out.put(name, value);
            }
        }
        return out;
    }

    private static Object uncoerce(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(Structs::uncoerce).toList();
        }
        if (value == null || value.getClass().getName().startsWith("java.")) {
            return value;
        }
        Descriptor<?> descriptor = DESCRIPTORS.get(value.getClass());
        Symbol symbol = descriptor == null ? null : descriptor.getClass().getAnnotation(Symbol.class);
        return new SnippetValue(symbol == null ? null : symbol.value()[0], uninstantiate2(value));
    }

    /** An {@link UninstantiatedDescribable} that compares by value, as the real one does. */
    private static final class SnippetValue extends UninstantiatedDescribable {
        SnippetValue(String symbol, Map<String, ?> arguments) {
            super(symbol, null, arguments);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UninstantiatedDescribable ud && java.util.Objects.equals(getSymbol(), ud.getSymbol())
                    && getArguments().equals(ud.getArguments());
        }

        @Override
        public int hashCode() {
            return getArguments().hashCode();
        }
    }

    /** What {@code setWeight(10)} is in a Jenkinsfile. */
    public static UninstantiatedDescribable symbol(String symbol, Object soleArgument) {
        return new UninstantiatedDescribable(symbol, null, Map.of(UninstantiatedDescribable.ANONYMOUS_KEY,
                soleArgument));
    }

    /** What {@code metric(name: 'x', ...)} is in a Jenkinsfile. */
    public static UninstantiatedDescribable symbol(String symbol, Map<String, ?> namedArguments) {
        return new UninstantiatedDescribable(symbol, null, namedArguments);
    }

    /** The descriptors of the plugin, by the class they describe (what {@code Descriptor.clazz} is in Jenkins). */
    public static Map<Class<?>, Descriptor<?>> all() {
        return DESCRIPTORS;
    }

    private static Object instantiate0(Class<?> type, Map<String, ?> given) throws Exception {
        Map<String, Object> arguments = new LinkedHashMap<>(given);
        if (DESCRIPTORS.get(type) instanceof CustomDescribableModel custom) {
            arguments = custom.customInstantiate(arguments);
        }
        Constructor<?> constructor = constructor(type);
        String[] names = parameterNames(constructor);
        Map<String, Method> setters = setters(type);
        if (arguments.containsKey(UninstantiatedDescribable.ANONYMOUS_KEY)) {
            if (arguments.size() != 1) {
                throw new IllegalArgumentException("All arguments have to be named but it has "
                        + UninstantiatedDescribable.ANONYMOUS_KEY);
            }
            if (names.length != 1) {
                throw new IllegalArgumentException("Arguments to " + type + " have to be explicitly named");
            }
            arguments = Map.of(names[0], arguments.get(UninstantiatedDescribable.ANONYMOUS_KEY));
        }
        Set<String> unknown = new TreeSet<>(arguments.keySet());
        unknown.removeAll(List.of(names));
        unknown.removeAll(setters.keySet());
        if (!unknown.isEmpty()) {
            // STRICT_PARAMETER_CHECKING is off in a running Jenkins: structs logs this and drops the names
            WARNINGS.add("WARNING: Unknown parameter(s) found for class type '" + type.getName() + "': "
                    + String.join(",", unknown));
        }
        Type[] types = constructor.getGenericParameterTypes();
        Object[] values = new Object[names.length];
        for (int i = 0; i < names.length; i++) {
            Object value = arguments.get(names[i]);
            if (value != null) {
                values[i] = coerce(type.getName() + "." + names[i], types[i], value);
            } else if (types[i] instanceof Class<?> c && c.isPrimitive()) {
                values[i] = defaultOf(c);
            }
        }
        Object instance;
        try {
            instance = constructor.newInstance(values);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Could not instantiate " + arguments + " for " + type.getName()
                    + ": " + e, e);
        }
        for (Map.Entry<String, Method> setter : setters.entrySet()) {
            if (arguments.containsKey(setter.getKey())) {
                setter.getValue().invoke(instance, coerce(setter.getKey(),
                        setter.getValue().getGenericParameterTypes()[0], arguments.get(setter.getKey())));
            }
        }
        return instance;
    }

    private static Object coerce(String context, Type type, Object value) throws Exception {
        Class<?> erased = erasure(type);
        if (value instanceof List<?> list && Collection.class.isAssignableFrom(erased)) {
            Type element = type instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                out.add(coerce(context, element, item));
            }
            return out;
        }
        if (wrap(erased).isInstance(value)) {
            return value;
        }
        if (value instanceof UninstantiatedDescribable ud) {
            return instantiate0(resolve(erased, ud.getKlass(), ud.getSymbol()), ud.getArguments());
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put((String) k, v));
            return instantiate0(resolve(erased, (String) copy.remove("$class"), null), copy);
        }
        if (value instanceof String s && Number.class.isAssignableFrom(wrap(erased))) {
            try {
                if (wrap(erased) == Integer.class) {
                    return Integer.valueOf(s);
                }
                if (wrap(erased) == Long.class) {
                    return Long.valueOf(s);
                }
                return Double.valueOf(s);
            } catch (NumberFormatException e) {
                throw new ClassCastException(context + " expects " + wrap(erased)
                        + " but was unable to coerce the received value \"" + s + "\" to that type");
            }
        }
        if (value instanceof String s && wrap(erased) == Boolean.class) {
            return Boolean.valueOf(s);
        }
        throw new ClassCastException(context + " expects " + type + " but received " + value.getClass());
    }

    private static Class<?> resolve(Class<?> base, String name, String symbol) {
        if (name != null) {
            return subtypes(base).stream().filter(c -> c.getSimpleName().equals(name) || c.getName().equals(name))
                    .findFirst().orElseThrow(() -> new UnsupportedOperationException("no known implementation of "
                            + base + " is named " + name));
        }
        if (symbol != null) {
            for (Class<?> c : subtypes(base)) {
                Symbol s = DESCRIPTORS.get(c).getClass().getAnnotation(Symbol.class);
                if (s != null && List.of(s.value()).contains(symbol)) {
                    return c;
                }
            }
            throw new UnsupportedOperationException("no known implementation of " + base + " is using symbol ‘"
                    + symbol + "’");
        }
        if (Modifier.isAbstract(base.getModifiers())) {
            throw new UnsupportedOperationException("must specify $class with an implementation of " + base);
        }
        return base;
    }

    /** The described classes assignable to {@code base}, as structs' {@code findSubtypes}. */
    public static List<Class<?>> subtypes(Class<?> base) {
        return DESCRIPTORS.keySet().stream().filter(base::isAssignableFrom).toList();
    }

    public static Constructor<?> constructor(Class<?> type) {
        for (Constructor<?> c : type.getConstructors()) {
            if (c.isAnnotationPresent(DataBoundConstructor.class)) {
                return c;
            }
        }
        throw new IllegalArgumentException(type + " has no @DataBoundConstructor");
    }

    public static String[] parameterNames(Constructor<?> constructor) {
        return java.util.Arrays.stream(constructor.getParameters()).map(p -> {
            if (!p.isNamePresent()) {
                throw new IllegalStateException(constructor + ": compiled without -parameters");
            }
            return p.getName();
        }).toArray(String[]::new);
    }

    /** The {@code @DataBoundSetter}s by property name, superclasses' included (structs walks them). */
    public static Map<String, Method> setters(Class<?> type) {
        Map<String, Method> setters = new LinkedHashMap<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(DataBoundSetter.class)) {
                    setters.putIfAbsent(Introspector.decapitalize(m.getName().substring(3)), m);
                }
            }
        }
        return setters;
    }

    public static Class<?> erasure(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Object defaultOf(Class<?> primitive) {
        if (primitive == boolean.class) {
            return false;
        }
        if (primitive == long.class) {
            return 0L;
        }
        if (primitive == double.class) {
            return 0.0;
        }
        return 0;
    }

    private static Class<?> wrap(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        return c == int.class ? Integer.class : c == boolean.class ? Boolean.class : c == long.class ? Long.class
                : c == double.class ? Double.class : c;
    }

    private static Map<Class<?>, Descriptor<?>> descriptors() {
        Map<Class<?>, Descriptor<?>> found = new LinkedHashMap<>();
        for (IndexItem<Extension, Object> item : Index.load(Extension.class, Object.class,
                Structs.class.getClassLoader())) {
            try {
                if (item.element() instanceof Class<?> c && Descriptor.class.isAssignableFrom(c)
                        && c.getEnclosingClass() != null) {
                    // as Descriptor(): the described class is the one the descriptor is nested in
                    found.put(c.getEnclosingClass(), (Descriptor<?>) c.getDeclaredConstructor().newInstance());
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(item.className(), e);
            }
        }
        return found;
    }
}
