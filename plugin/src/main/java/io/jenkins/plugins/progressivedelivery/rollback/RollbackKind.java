package io.jenkins.plugins.progressivedelivery.rollback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.plan.EngineJson;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenRunner;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenStage;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenState;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryRunner;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutPhase;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ResumeReason;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutResult;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutState;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Stage;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The two engines whose rollback the keeper can carry on: what in their state means "traffic is not safe yet", and how
 * to resume them from that state with a cluster the keeper built.
 */
public enum RollbackKind {
    CANARY("canaryRollout") {
        private static final Set<Stage> UNSAFE = Set.of(Stage.ROLLBACK_RESTORE_STABLE, Stage.ROLLBACK_AWAIT_STABLE,
                Stage.ROLLBACK_TRAFFIC);

        @Override
        public boolean unsafe(Object snapshot) {
            return snapshot instanceof RolloutState state && state.phase() == RolloutPhase.ROLLING_BACK
                    && UNSAFE.contains(state.stage());
        }

        @Override
        public PendingRollback.ScaleDown scaleDown(Object snapshot, Instant now) {
            if (snapshot instanceof RolloutState state && state.phase() == RolloutPhase.ROLLING_BACK
                    && (state.stage() == Stage.ROLLBACK_WAIT || state.stage() == Stage.ROLLBACK_SCALE_DOWN)) {
                return new PendingRollback.ScaleDown(now, state.dueAt(), "deployment/"
                        + state.plan().target().namespace() + "/" + state.plan().target().canaryDeployment());
            }
            return null;
        }

        @Override
        String toJson(Object snapshot) {
            return ((RolloutState) snapshot).toJson();
        }

        @Override
        Kept resume(JsonNode state, Clusters clusters, Where where, ClusterAccess access, Scheduler scheduler,
                    Executor io, AuditListener events, Consumer<Outcome> done, ResumeReason reason) {
            RolloutState restored = RolloutState.fromJson(state.toString());
            CanaryCluster cluster = clusters.canary(where, access, restored.plan());
            EngineGate gate = new EngineGate();
            CanaryRunner runner = CanaryRunner.resume(restored, cluster, NO_MEASUREMENTS, gate.scheduler(scheduler),
                    gate.io(io), events, result -> done.accept(outcome(result)), reason);
            return new Kept(gate, cluster) {
                @Override
                Object snapshot() {
                    return runner.snapshot();
                }

                @Override
                String status() {
                    return runner.status().line();
                }
            };
        }
    },
    BLUE_GREEN("blueGreenSwitch") {
        private static final Set<BlueGreenStage> UNSAFE = Set.of(BlueGreenStage.ROLLBACK_WARM_OLD,
                BlueGreenStage.ROLLBACK_AWAIT_OLD, BlueGreenStage.ROLLBACK_SWITCH);

        @Override
        public boolean unsafe(Object snapshot) {
            return snapshot instanceof BlueGreenState state && state.phase() == RolloutPhase.ROLLING_BACK
                    && UNSAFE.contains(state.stage());
        }

        @Override
        public PendingRollback.ScaleDown scaleDown(Object snapshot, Instant now) {
            if (snapshot instanceof BlueGreenState state && state.phase() == RolloutPhase.ROLLING_BACK
                    && (state.stage() == BlueGreenStage.ROLLBACK_WAIT
                    || state.stage() == BlueGreenStage.ROLLBACK_SCALE_DOWN)) {
                return new PendingRollback.ScaleDown(now, state.dueAt(), "deployment/"
                        + state.plan().target().namespace() + "/" + state.plan().target().deployment(
                        state.newColour()));
            }
            return null;
        }

        @Override
        String toJson(Object snapshot) {
            return ((BlueGreenState) snapshot).toJson();
        }

        @Override
        Kept resume(JsonNode state, Clusters clusters, Where where, ClusterAccess access, Scheduler scheduler,
                    Executor io, AuditListener events, Consumer<Outcome> done, ResumeReason reason) {
            BlueGreenState restored = BlueGreenState.fromJson(state.toString());
            BlueGreenCluster cluster = clusters.blueGreen(where, access, restored.plan());
            EngineGate gate = new EngineGate();
            BlueGreenRunner runner = BlueGreenRunner.resume(restored, cluster, NO_MEASUREMENTS,
                    gate.scheduler(scheduler), gate.io(io), events, result -> done.accept(outcome(result)), reason);
            return new Kept(gate, cluster) {
                @Override
                Object snapshot() {
                    return runner.snapshot();
                }

                @Override
                String status() {
                    return runner.status().line();
                }
            };
        }
    };

    /** A rollback has no analysis left to run; a measurement asked for anyway is an error, never a pass. */
    private static final MeasurementSource NO_MEASUREMENTS = (metric, at) -> {
        throw new MeasurementException("no measurements after the step has ended: the keeper only rolls back");
    };

    private final String stepName;

    RollbackKind(String stepName) {
        this.stepName = stepName;
    }

    public String stepName() {
        return stepName;
    }

    /** The kind of the step named {@code functionName}; null for a step without a rollback ({@code analysisGate}). */
    public static RollbackKind ofStep(String functionName) {
        for (RollbackKind kind : values()) {
            if (kind.stepName.equals(functionName)) {
                return kind;
            }
        }
        return null;
    }

    /** Rolling back, and production traffic is not yet where it should be. */
    public abstract boolean unsafe(Object snapshot);

    /**
     * Traffic is safe and the rollback waits for (or makes) its delayed scale-down of the canary or the rejected
     * colour: what and when, else null. Like an unsafe rollback, this must survive a restart, or those pods run on.
     */
    public abstract PendingRollback.ScaleDown scaleDown(Object snapshot, Instant now);

    /** The rollback has work left that the keeper must carry through a restart. */
    public boolean pending(Object snapshot) {
        return unsafe(snapshot) || scaleDown(snapshot, Instant.EPOCH) != null;
    }

    abstract String toJson(Object snapshot);

    /** The engine's state as the tree written into the pending rollback's file. */
    public JsonNode tree(Object snapshot) {
        try {
            return EngineJson.JSON.readTree(toJson(snapshot));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the engine's state is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** @param reason why the engine goes on from {@code state}, for its {@code [start] ... resumed} line */
    abstract Kept resume(JsonNode state, Clusters clusters, Where where, ClusterAccess access, Scheduler scheduler,
                         Executor io, AuditListener events, Consumer<Outcome> done, ResumeReason reason);

    static Outcome outcome(RolloutResult result) {
        String name = result.phase().name().replace('_', ' ').toLowerCase(Locale.ROOT);
        String verdict = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        return new Outcome(verdict, result.finalWeight(), result.message(), result.phase().trafficSafe());
    }

    /** How the resumed engine ended. */
    record Outcome(String verdict, int finalWeight, String message, boolean trafficSafe) {
        String logLine() {
            return verdict + ": " + message;
        }
    }

    /** Builds the engine's cluster object: in Jenkins the remote ones, in tests the fakes. */
    public interface Clusters {
        CanaryCluster canary(Where where, ClusterAccess access,
                             io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan plan);

        BlueGreenCluster blueGreen(Where where, ClusterAccess access,
                                   io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan plan);
    }

    /** An engine the keeper resumed: its state and status, and how to stop it. */
    abstract static class Kept {
        private final EngineGate gate;
        private final Object cluster;

        Kept(EngineGate gate, Object cluster) {
            this.gate = gate;
            this.cluster = cluster;
        }

        abstract Object snapshot();

        abstract String status();

        /** No more timers or calls from this engine; its cluster session is let go. */
        void stop() {
            gate.close();
            if (cluster instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // an idle client is closed by the cache anyway
                }
            }
        }
    }
}
