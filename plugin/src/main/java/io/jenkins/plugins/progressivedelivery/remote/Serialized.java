package io.jenkins.plugins.progressivedelivery.remote;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * Engine values (rollout state, plans, cluster answers) as bytes, for the program state and the agent channel.
 *
 * <p>Why not hand the objects to Jenkins directly: Jenkins' class filter (JEP-200) checks every class in a
 * serialised graph, and the engine's records carry JDK serial forms ({@code java.util.CollSer} of
 * {@code List.copyOf}, {@code java.time.Ser} of an {@code Instant}) and classes from a library jar that has no plugin
 * manifest. A byte array or a String passes any filter. Reading back, only the engine's, this plugin's and the JDK's
 * value classes are accepted; failures cross the channel without their library causes (see {@link AgentCall}).
 */
public final class Serialized {
    /**
     * The engine's and this plugin's classes and the JDK value types they are made of, nothing else (no
     * {@code java.rmi}, {@code java.security}, {@code javax.management} gadgets), within size limits: bytes that come
     * back from an agent are not trusted more than Jenkins' own class filter would trust them.
     */
    private static final ObjectInputFilter ONLY_OURS_AND_JDK = ObjectInputFilter.Config.createFilter(
            "maxdepth=64;maxrefs=1000000;maxarray=4194304;maxbytes=67108864;"
                    + "io.jenkins.plugins.progressivedelivery.**;"
                    + "java.lang.*;java.util.*;java.time.*;java.io.*;java.net.*;java.net.http.*;"
                    + "java.util.concurrent.*;!*");

    private Serialized() {
    }

    public static byte[] toBytes(Serializable value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + value.getClass().getName(), e);
        }
        return bytes.toByteArray();
    }

    public static <T> T fromBytes(byte[] bytes, Class<T> type) {
        try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes),
                Serialized.class.getClassLoader())) {
            in.setObjectInputFilter(ONLY_OURS_AND_JDK);
            return type.cast(in.readObject());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a serialised " + type.getSimpleName(), e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot read a serialised " + type.getSimpleName() + ": " + e.getMessage(),
                    e);
        }
    }

    public static String toText(Serializable value) {
        return Base64.getEncoder().encodeToString(toBytes(value));
    }

    public static <T> T fromText(String text, Class<T> type) {
        return fromBytes(Base64.getDecoder().decode(text), type);
    }

    /** Resolves classes with the plugin's loader (on an agent: the remote class loader that loaded this class). */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                Class<?> primitiveOrJdk = super.resolveClass(desc);
                if (primitiveOrJdk == null) {
                    throw new InvalidClassException(desc.getName(), "not found");
                }
                return primitiveOrJdk;
            }
        }
    }
}
