package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorPreflight;
import io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The doctor's checks as the last part of both runners' preflight, before the first write. */
final class PreflightDoctor {
    private PreflightDoctor() {
    }

    /**
     * Runs the checks on the I/O executor and logs every finding; {@code onPass} when nothing required failed (or
     * the cluster cannot run the doctor), {@code onBlocked} with the reason otherwise. Called with the runner's lock
     * held; the continuation runs under it too.
     */
    static void run(RunnerCore core, DeliveryPlan plan, Supplier<DoctorReport> cluster, MeasurementSource metrics,
                    Runnable onPass, Consumer<String> onBlocked) {
        run(core, plan, cluster, metrics, preStop -> { }, onPass, onBlocked);
    }

    /** @param preStop told the preStop sleep the doctor found (null: none), before {@code onPass} */
    static void run(RunnerCore core, DeliveryPlan plan, Supplier<DoctorReport> cluster, MeasurementSource metrics,
                    Consumer<Integer> preStop, Runnable onPass, Consumer<String> onBlocked) {
        core.call("run the doctor's checks", () -> DoctorPreflight.examine(cluster, plan, metrics, core.now()),
                report -> {
                    if (report == null) {
                        onPass.run();
                        return;
                    }
                    DoctorPreflight.events(report, core::event).forEach(core::emit);
                    preStop.accept(report.preStopSeconds());
                    if (report.blocking()) {
                        onBlocked.accept(DoctorPreflight.blockedMessage(report));
                    } else {
                        onPass.run();
                    }
                });
    }
}
