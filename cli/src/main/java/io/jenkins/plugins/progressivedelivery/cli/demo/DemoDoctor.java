package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.doctor.Doctor;
import io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport;
import io.jenkins.plugins.progressivedelivery.engine.doctor.Finding;
import io.jenkins.plugins.progressivedelivery.engine.doctor.Severity;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The demo's first act: the doctor's read-only checks of the canary's workloads, and the first warning found. */
final class DemoDoctor {
    private DemoDoctor() {
    }

    /** What to print: a summary line, the first warning with its fix; the whole report goes to {@code file}. */
    static List<String> examine(DemoEnvironment env, Path file) {
        CanaryPlan plan = PlanLoader.loadCanary(DemoPlans.canary("web:2.0", env.prometheus().toString(),
                env.timing()), "canary.plan.yaml");
        DoctorReport report;
        try (KubernetesClient client = env.cluster().newClient()) {
            report = Doctor.examine(client, plan);
        }
        CanaryScenario.write(file, report.text());
        List<String> lines = new ArrayList<>();
        lines.add("Doctor (read-only checks of deployment demo/web before any rollout): " + report.summary()
                + "; the table: " + file);
        Optional<Finding> first = report.findings().stream().filter(f -> f.severity() == Severity.WARNING)
                .findFirst();
        first.ifPresent(f -> {
            lines.add("  e.g. " + f.severity().id() + " " + f.check() + " " + f.object() + " " + f.field() + ": "
                    + f.problem());
            lines.add("       why: " + f.why());
            lines.add("       fix:");
            f.fix().lines().forEach(line -> lines.add("         " + line));
        });
        lines.add("  (warnings do not stop a rollout; a plan's doctor.required makes a check stop it before any"
                + " write)");
        return lines;
    }
}
