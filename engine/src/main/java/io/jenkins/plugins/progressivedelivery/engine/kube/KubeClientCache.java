package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Kubernetes clients of this JVM (the Jenkins controller's, or an agent's), one per resolved connection, reused
 * across calls and across the rollouts (sessions) that use the same connection, with whatever a session keeps next to
 * its client (its cluster object, hence the routers' discovery results and last-read objects).
 *
 * <p>A fabric8 client owns a connection pool (and TLS sessions, and on Vert.x an event loop): building one per call
 * costs a TLS handshake and tens of milliseconds, most of a rollback's time. A client is closed when the last session
 * using it {@linkplain #release ends}, or after {@link #DEFAULT_IDLE} without a call (a rollout paused for an hour
 * needs no open connection; the next call builds a new client), whichever comes first.
 *
 * <p>Keys are {@linkplain #fingerprint fingerprints}: an HMAC-SHA-256 of every field of the connection under a key
 * drawn at random when the JVM loads this class, so a key says nothing about the token or kubeconfig it was computed
 * from, not even to someone who can guess a weak one, and is never the secret itself. Log lines name a connection by
 * {@link KubernetesConnection#toString()} (which hides secrets) and the first 12 characters of its fingerprint.
 */
public final class KubeClientCache {
    private static final Logger LOGGER = Logger.getLogger(KubeClientCache.class.getName());

    /** How long an unused client stays open. */
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(5);

    private static final byte[] FINGERPRINT_KEY = new byte[32];

    static {
        new SecureRandom().nextBytes(FINGERPRINT_KEY);
    }

    private static final class Shared {
        static final KubeClientCache INSTANCE = new KubeClientCache(KubeClients::create, DEFAULT_IDLE,
                Clock.systemUTC());
    }

    private final Function<KubernetesConnection, KubernetesClient> factory;
    private final Duration idle;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong builds = new AtomicLong();
    /** One named daemon thread, and only while some client is open (the core thread times out). */
    private final ScheduledThreadPoolExecutor sweeper;

    /**
     * @param factory builds a client for a connection (in production {@link KubeClients#create})
     * @param idle    how long a client with no call stays open
     */
    public KubeClientCache(Function<KubernetesConnection, KubernetesClient> factory, Duration idle, Clock clock) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.idle = Objects.requireNonNull(idle, "idle");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sweeper = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "progressive-delivery kubernetes client sweeper");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.setKeepAliveTime(1, TimeUnit.MINUTES);
        sweeper.allowCoreThreadTimeOut(true);
        sweeper.setRemoveOnCancelPolicy(true);
    }

    /** The cache of this JVM. */
    public static KubeClientCache shared() {
        return Shared.INSTANCE;
    }

    /**
     * Runs {@code call} with the client for {@code connection}, built if there is none yet, on behalf of
     * {@code session} (a rollout: what it {@linkplain Lease#keep keeps} lives until it is {@linkplain #release
     * released}). The client is not closed while a call is using it.
     */
    public <T> T call(KubernetesConnection connection, String session, Function<Lease, T> call) {
        String fingerprint = fingerprint(connection);
        while (true) {
            Entry entry = entries.computeIfAbsent(fingerprint, f -> new Entry(f, connection));
            if (!entry.enter(session)) {
                entries.remove(fingerprint, entry); // closed by the sweeper meanwhile: take a new one
                continue;
            }
            try {
                return call.apply(new Lease(entry, session));
            } finally {
                entry.exit();
                scheduleSweep();
            }
        }
    }

    /**
     * The session has ended (its step finished): what it kept is dropped, and a client no other session uses is
     * closed now.
     */
    public void release(String session) {
        for (Entry entry : List.copyOf(entries.values())) {
            if (entry.release(session)) {
                entries.remove(entry.fingerprint, entry);
            }
        }
    }

    /** Closes every client that has had no call for the idle time. */
    public void sweep() {
        Instant now = clock.instant();
        for (Entry entry : List.copyOf(entries.values())) {
            if (entry.closeIfIdleSince(now.minus(idle))) {
                entries.remove(entry.fingerprint, entry);
            }
        }
        if (!entries.isEmpty()) {
            scheduleSweep();
        }
    }

    private void scheduleSweep() {
        if (sweeper.getQueue().isEmpty()) {
            sweeper.schedule(this::sweepQuietly, Math.max(1, idle.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "could not close idle Kubernetes clients", e);
        }
    }

    /** How many clients this cache has built so far. */
    public long builds() {
        return builds.get();
    }

    /** How many clients are open now. */
    public int openClients() {
        return (int) entries.values().stream().filter(Entry::isOpen).count();
    }

    /**
     * An HMAC-SHA-256 (hex) of every field of the connection under this JVM's random key: equal connections have
     * equal fingerprints, and a fingerprint reveals nothing of a token or kubeconfig.
     */
    public static String fingerprint(KubernetesConnection connection) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(FINGERPRINT_KEY, "HmacSHA256"));
            for (String field : new String[] {connection.source().name(), connection.kubeconfig(),
                    connection.context(), connection.server(), connection.token(), connection.caCertificate(),
                    Boolean.toString(connection.insecureSkipTlsVerify())}) {
                byte[] bytes = field == null ? new byte[0] : field.getBytes(StandardCharsets.UTF_8);
                // length-prefixed, so that ("ab", "c") and ("a", "bc") differ
                mac.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                        (byte) (bytes.length >>> 8), (byte) bytes.length, (byte) (field == null ? 0 : 1)});
                mac.update(bytes);
            }
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** What a call may use: the client, and objects kept for its session next to the client. */
    public static final class Lease {
        private final Entry entry;
        private final String session;

        private Lease(Entry entry, String session) {
            this.entry = entry;
            this.session = session;
        }

        public KubernetesClient client() {
            return entry.client();
        }

        /**
         * What the session keeps under {@code key} with this client (built by {@code create} on first use): dropped
         * when the session is released or the client closed.
         */
        @SuppressWarnings("unchecked")
        public <T> T keep(Object key, Supplier<T> create) {
            return (T) entry.kept.computeIfAbsent(new SessionKey(session, key), k -> create.get());
        }

        /**
         * Keeps the client open after the call returns, as if a call were in flight, until the returned handle runs
         * (once): for a watch that outlives the call that started it (a paused rollout's drift watch), which the idle
         * sweep would otherwise cut after {@link #DEFAULT_IDLE}.
         */
        public Runnable pin() {
            if (!entry.enter(null)) {
                return () -> { }; // closed already: nothing to keep open
            }
            java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
            return () -> {
                if (once.compareAndSet(false, true)) {
                    entry.exit();
                }
            };
        }

        /** What the session keeps under {@code key}, or null: not built yet, or dropped (released, client closed). */
        @SuppressWarnings("unchecked")
        public <T> T kept(Object key) {
            return (T) entry.kept.get(new SessionKey(session, key));
        }

        public String session() {
            return session;
        }

        /**
         * Runs {@code ended} once when the session is released or the client closed, so that a call waiting on the
         * session's behalf (an agent's readiness long poll) stops waiting; the returned handle unregisters it.
         */
        public Runnable onEnd(Runnable ended) {
            return entry.onEnd(session, ended);
        }
    }

    private record SessionKey(String session, Object key) { }

    /** One connection's client: built on first use, closed once, never reopened (a new entry takes its place). */
    private final class Entry {
        final String fingerprint;
        final KubernetesConnection connection;
        final Map<SessionKey, Object> kept = new ConcurrentHashMap<>();
        final Set<String> sessions = ConcurrentHashMap.newKeySet();
        private final Map<String, List<Runnable>> endHooks = new HashMap<>();
        private KubernetesClient client;
        private int callsInFlight;
        /** A session was released while calls were in flight: the last of them closes an unused client. */
        private boolean releasedInFlight;
        private Instant lastUsed;
        private boolean closed;

        Entry(String fingerprint, KubernetesConnection connection) {
            this.fingerprint = fingerprint;
            this.connection = connection;
            this.lastUsed = clock.instant();
        }

        synchronized boolean enter(String session) {
            if (closed) {
                return false;
            }
            callsInFlight++;
            if (session != null) {
                sessions.add(session);
            }
            return true;
        }

        synchronized void exit() {
            callsInFlight--;
            lastUsed = clock.instant();
            if (callsInFlight == 0 && releasedInFlight && sessions.isEmpty() && !closed) {
                close("its last rollout ended");
                entries.remove(fingerprint, this);
            }
        }

        synchronized Runnable onEnd(String session, Runnable ended) {
            if (closed || !sessions.contains(session)) {
                ended.run();
                return () -> { };
            }
            endHooks.computeIfAbsent(session, s -> new ArrayList<>()).add(ended);
            return () -> {
                synchronized (Entry.this) {
                    List<Runnable> hooks = endHooks.get(session);
                    if (hooks != null) {
                        hooks.remove(ended);
                    }
                }
            };
        }

        private void runEndHooks(String session) {
            List<Runnable> hooks = session == null ? endHooks.values().stream().flatMap(List::stream).toList()
                    : endHooks.getOrDefault(session, List.of());
            List<Runnable> copy = List.copyOf(hooks);
            if (session == null) {
                endHooks.clear();
            } else {
                endHooks.remove(session);
            }
            copy.forEach(Runnable::run);
        }

        synchronized KubernetesClient client() {
            if (client == null) {
                client = factory.apply(connection);
                builds.incrementAndGet();
                LOGGER.fine(() -> "built a Kubernetes client for " + connection + " (" + shortName() + ")");
            }
            return client;
        }

        synchronized boolean isOpen() {
            return client != null && !closed;
        }

        /** @return true when the entry is closed now */
        synchronized boolean release(String session) {
            if (!sessions.remove(session)) {
                return false;
            }
            kept.keySet().removeIf(key -> key.session().equals(session));
            runEndHooks(session);
            if (sessions.isEmpty() && callsInFlight == 0) {
                close("its last rollout ended");
                return true;
            }
            releasedInFlight = true;
            return false;
        }

        synchronized boolean closeIfIdleSince(Instant cutoff) {
            if (callsInFlight == 0 && !lastUsed.isAfter(cutoff)) {
                close("no call for " + idle.toMinutes() + " min");
                return true;
            }
            return false;
        }

        private void close(String why) {
            closed = true;
            kept.clear();
            runEndHooks(null);
            if (client != null) {
                LOGGER.fine(() -> "closing the Kubernetes client for " + connection + " (" + shortName() + "): "
                        + why);
                try {
                    client.close();
                } catch (RuntimeException e) {
                    LOGGER.log(Level.FINE, "closing a Kubernetes client failed", e);
                }
            }
        }

        private String shortName() {
            return "client " + fingerprint.substring(0, 12);
        }
    }
}
