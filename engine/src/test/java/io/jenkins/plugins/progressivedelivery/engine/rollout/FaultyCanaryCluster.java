package io.jenkins.plugins.progressivedelivery.engine.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A {@link CanaryCluster} whose calls fail as a test says: the API server unreachable until a time on the manual
 * clock, or a number of failures of one call. Every call and its outcome is recorded.
 */
final class FaultyCanaryCluster implements CanaryCluster {
    static final Supplier<RuntimeException> UNREACHABLE = () -> new ClusterException("cannot update"
            + " virtualservice/demo/web: the API server did not answer (ConnectException: Connection refused);"
            + " check that it is reachable from here", true, null);

    private final CanaryCluster delegate;
    private final Supplier<Instant> clock;
    private Instant unreachableUntil = Instant.MIN;
    private String failing;
    private int failuresLeft;
    private Supplier<RuntimeException> failure = UNREACHABLE;
    /** {@code restoreStable ok}, {@code restoreStable failed}, ... */
    final List<String> calls = new ArrayList<>();

    FaultyCanaryCluster(CanaryCluster delegate, Supplier<Instant> clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    /** Every call fails as unreachable until {@code until}. */
    FaultyCanaryCluster unreachableUntil(Instant until) {
        this.unreachableUntil = until;
        return this;
    }

    /** The next {@code times} calls of {@code method} fail with {@code how}. */
    FaultyCanaryCluster fail(String method, int times, Supplier<RuntimeException> how) {
        this.failing = method;
        this.failuresLeft = times;
        this.failure = how;
        return this;
    }

    private <T> T call(String method, Supplier<T> real) {
        if (clock.get().isBefore(unreachableUntil)) {
            calls.add(method + " failed");
            throw UNREACHABLE.get();
        }
        if (method.equals(failing) && failuresLeft > 0) {
            failuresLeft--;
            calls.add(method + " failed");
            throw failure.get();
        }
        T value = real.get();
        calls.add(method + " ok");
        return value;
    }

    long count(String callAndOutcome) {
        return calls.stream().filter(callAndOutcome::equals).count();
    }

    @Override
    public ClusterSnapshot preflight() {
        return call("preflight", delegate::preflight);
    }

    @Override
    public List<ClusterChange> prepareCanary(int canaryWeight) {
        return call("prepareCanary", () -> delegate.prepareCanary(canaryWeight));
    }

    @Override
    public Readiness canaryReadiness() {
        return call("canaryReadiness", delegate::canaryReadiness);
    }

    @Override
    public List<ClusterChange> setWeight(int canaryWeight) {
        return call("setWeight", () -> delegate.setWeight(canaryWeight));
    }

    @Override
    public List<ClusterChange> scaleCanary(int replicas) {
        return call("scaleCanary", () -> delegate.scaleCanary(replicas));
    }

    @Override
    public List<ClusterChange> promoteStable() {
        return call("promoteStable", delegate::promoteStable);
    }

    @Override
    public Readiness stableReadiness() {
        return call("stableReadiness", delegate::stableReadiness);
    }

    @Override
    public List<ClusterChange> restoreStable() {
        return call("restoreStable", delegate::restoreStable);
    }

    @Override
    public List<ClusterChange> prepareCanaryAt(int stepIndex) {
        return call("prepareCanaryAt", () -> delegate.prepareCanaryAt(stepIndex));
    }

    @Override
    public List<ClusterChange> applyRouteStep(int stepIndex) {
        return call("applyRouteStep", () -> delegate.applyRouteStep(stepIndex));
    }

    @Override
    public List<ClusterChange> restoreStablePodTemplate(String podTemplate) {
        return call("restoreStablePodTemplate", () -> delegate.restoreStablePodTemplate(podTemplate));
    }

    @Override
    public List<String> drift(DriftBaseline expected) {
        return call("drift", () -> delegate.drift(expected));
    }

    /** Drift watches started and not yet closed. */
    final java.util.concurrent.atomic.AtomicInteger openWatches = new java.util.concurrent.atomic.AtomicInteger();
    /** Drift watches started, ever. */
    final java.util.concurrent.atomic.AtomicInteger watchesStarted = new java.util.concurrent.atomic.AtomicInteger();
    /** Times a drift watch woke the runner (each watched object's first listing is one). */
    final java.util.concurrent.atomic.AtomicInteger watchWakes = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public ChangeWatch driftWatch() {
        ChangeWatch real = delegate.driftWatch();
        return wake -> {
            io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler.Cancellable handle =
                    real.whenChanged(() -> {
                        watchWakes.incrementAndGet();
                        wake.run();
                    });
            watchesStarted.incrementAndGet();
            openWatches.incrementAndGet();
            java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
            return () -> {
                if (closed.compareAndSet(false, true)) {
                    openWatches.decrementAndGet();
                }
                handle.cancel();
            };
        };
    }
}
