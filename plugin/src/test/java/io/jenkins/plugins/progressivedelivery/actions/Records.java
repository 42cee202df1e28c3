package io.jenkins.plugins.progressivedelivery.actions;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.fakes.FakeJob;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import java.time.Instant;

/** Finished builds with the records the engine leaves, as the Deployments pages' tests need them. */
final class Records {
    private Records() {
    }

    /**
     * A build of {@code job} with a canary of {@code target} promoted by {@code by} 20 minutes after the build
     * started, replacing {@code registry/checkout:2.4.0}, as the engine's events before the record kept
     * {@code fromImage} tell it (the stable Deployment's image in the promotion's scale event).
     */
    static FakeRun promotedCanary(FakeJob job, Instant buildStart, String target, String image, String by) {
        FakeRun run = job.newBuild(buildStart.toEpochMilli());
        DeliveryAction record = DeliveryAction.addTo(run, "canaryRollout", target + ": " + image);
        Instant t = buildStart.plusSeconds(300);
        String deployment = "deployment/" + target;
        record.record(AuditEvent.at(t, AuditAction.START).resource(deployment)
                .after("container app gets " + image + " in 4 steps").detail("image", image).build());
        record.record(AuditEvent.at(t.plusSeconds(600), AuditAction.PROMOTE).actor(by).resource(deployment).build());
        record.record(AuditEvent.at(t.plusSeconds(840), AuditAction.SCALE).resource(deployment)
                .change("replicas 4, image registry/checkout:2.4.0", "replicas 4, image " + image).build());
        record.record(AuditEvent.at(t.plusSeconds(900), AuditAction.COMPLETE).after("Promoted").build());
        record.complete("Promoted", 0, image + " is stable");
        run.finish();
        return run;
    }

    /** A build with an analysis gate and a blue-green switch of pay/payments that failed and switched back. */
    static FakeRun switchedBack(FakeJob job, Instant buildStart) {
        FakeRun run = job.newBuild(buildStart.toEpochMilli());
        DeliveryAction analysis = DeliveryAction.addTo(run, "analysisGate", "staging smoke");
        analysis.complete("Successful", null, null);
        DeliveryAction record = DeliveryAction.addTo(run, "blueGreenSwitch", "pay/payments: payments:5.12.0");
        record.record(AuditEvent.at(buildStart.plusSeconds(60), AuditAction.START).resource("service/pay/payments")
                .detail("image", "payments:5.12.0").build());
        record.record(AuditEvent.at(buildStart.plusSeconds(70), AuditAction.PREFLIGHT)
                .resource("service/pay/payments").after("ok: service selector service/pay/payments slot; production"
                        + " on blue (payments-blue, 4 replicas of payments:5.11.3); payments:5.12.0 goes to green")
                .build());
        record.record(AuditEvent.at(buildStart.plusSeconds(400), AuditAction.ROLLBACK)
                .resource("service/pay/payments").change("slot=green", "slot=blue").build());
        record.record(AuditEvent.at(buildStart.plusSeconds(460), AuditAction.ROLLBACK)
                .resource("deployment/pay/payments-green").change("replicas 4", "replicas 0").build());
        record.record(AuditEvent.at(buildStart.plusSeconds(460), AuditAction.COMPLETE).after("Rolled back").build());
        record.complete("Rolled back", null, "post-promotion analysis failed");
        run.finish();
        return run;
    }

    /** A build whose blue-green switch of pay/payments to {@code image} is promoted, as the engine records it now. */
    static FakeRun promotedSwitch(FakeJob job, Instant buildStart, String fromImage, String image) {
        FakeRun run = job.newBuild(buildStart.toEpochMilli());
        DeliveryAction record = DeliveryAction.addTo(run, "blueGreenSwitch", "pay/payments: " + image);
        record.record(AuditEvent.at(buildStart.plusSeconds(10), AuditAction.START).resource("service/pay/payments")
                .detail("image", image).build());
        record.record(AuditEvent.at(buildStart.plusSeconds(20), AuditAction.PREFLIGHT)
                .resource("service/pay/payments").after("ok: production on blue").detail("fromImage", fromImage)
                .build());
        record.record(AuditEvent.at(buildStart.plusSeconds(120), AuditAction.COMPLETE).after("Promoted").build());
        record.complete("Promoted", null, image + " in production");
        run.finish();
        return run;
    }
}
