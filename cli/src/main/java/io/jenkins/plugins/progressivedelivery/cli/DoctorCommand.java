package io.jenkins.plugins.progressivedelivery.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.doctor.Doctor;
import io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport;
import io.jenkins.plugins.progressivedelivery.engine.doctor.TrafficVolume;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClients;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.EngineJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code doctor PLAN.yaml}: the preflight doctor's checks alone, read-only. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Checks the workloads a canary or blue-green plan names for what breaks zero-downtime"
                + " delivery (probes, preStop and grace period, rolling-update settings, disruption budgets,"
                + " autoscalers, mutable image tags, Istio subsets, retries and outlier detection, long-lived"
                + " connections, and with doctor.traffic the request volume the analysis will see) and prints a"
                + " table with the object, field, why it matters and a YAML fix. Only reads from the cluster.",
            "Exit code 0 when no required check failed (warnings allowed), 1 when one did, 2 when the plan is"
                    + " invalid."})
final class DoctorCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PLAN.yaml", description = "The plan, in YAML or JSON.")
    private Path plan;

    @Mixin
    private ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--prometheus-token-file", paramLabel = "FILE",
            description = "A file holding the bearer token for Prometheus (never printed).")
    private Path prometheusTokenFile;

    @Option(names = "--prometheus-ca", paramLabel = "FILE",
            description = "The PEM CA certificate that signed Prometheus' TLS certificate (default: the JVM's trust store).")
    private Path prometheusCa;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the findings as JSON to FILE.")
    private Path json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Optional<DeliveryPlan> loaded = PlanFiles.load(plan, spec.commandLine().getErr());
        if (loaded.isEmpty()) {
            return PlanFiles.INVALID;
        }
        DeliveryPlan delivery = loaded.get();
        KubernetesConnection connection = cluster.connection();
        PrometheusAuth auth = prometheusTokenFile == null ? PrometheusAuth.none()
                : PrometheusAuth.bearerToken(read(prometheusTokenFile).trim());
        if (prometheusCa != null) {
            auth = auth.withCaCertificatePem(read(prometheusCa));
        }
        DoctorReport report;
        try (KubernetesClient client = KubeClients.create(connection)) {
            report = examine(client, delivery, new ProviderMeasurementSource(auth), Clock.systemUTC());
        }
        out.print(report.text());
        if (json != null) {
            Files.writeString(json, EngineJson.write(report.toMap(), "doctor report") + "\n", StandardCharsets.UTF_8);
            out.println("Findings: " + json);
        }
        out.flush();
        return report.blocking() ? 1 : 0;
    }

    /** The whole doctor, as a rollout's preflight runs it, for the CLI and the demo. */
    static DoctorReport examine(KubernetesClient client, DeliveryPlan plan,
                                io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource metrics,
                                Clock clock) {
        return Doctor.examine(client, plan).with(TrafficVolume.check(plan, metrics, clock.instant()))
                .judged(plan.effectiveDoctor());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
