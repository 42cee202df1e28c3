package io.jenkins.plugins.progressivedelivery.engine.doctor;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.jenkins.plugins.progressivedelivery.engine.kube.BlueGreenFixtures;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each check against a Deployment that violates it and one that satisfies it, on the mock API server: the healthy
 * workload has no findings at all, and each test breaks exactly one thing.
 */
class DoctorTest {
    private static MockCluster cluster;

    static final String RATIO_PLAN = """
            target: {namespace: demo, deployment: web, container: app, image: "registry.example.com/web:2.0@sha256:0123"}
            steps: [{setWeight: 20}, {pause: 1m}, {setWeight: 100}]
            """;

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @BeforeEach
    void reset() {
        cluster.reset();
    }

    /** Probes apart, a preStop sleep, grace for it, no capacity lost on update, a budget, pinned images. */
    static Deployment healthy(UnaryOperator<DeploymentBuilder> change) {
        DeploymentBuilder builder = new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(4)
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate()
                .endStrategy()
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(30L)
                .addNewContainer().withName("app").withImage("registry.example.com/web:1.0@sha256:abcd")
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withPort(new IntOrString(8080))
                .endHttpGet().endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString(8080))
                .endHttpGet().endLivenessProbe()
                .withNewLifecycle().withNewPreStop().withNewSleep(5L).endPreStop().endLifecycle()
                .endContainer().endSpec().endTemplate().endSpec();
        return change.apply(builder).build();
    }

    private void createBudget(IntOrString maxUnavailable, IntOrString minAvailable) {
        cluster.client.policy().v1().podDisruptionBudget().inNamespace(NS).resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName("web").withNamespace(NS).endMetadata()
                .withNewSpec().withMaxUnavailable(maxUnavailable).withMinAvailable(minAvailable)
                .withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec().build()).create();
    }

    private DoctorReport examine(Deployment deployment, String plan) {
        cluster.create(deployment);
        return Doctor.examine(cluster.client, PlanLoader.load(plan, "plan.yaml"));
    }

    private DoctorReport examineWithBudget(Deployment deployment) {
        createBudget(new IntOrString(1), null);
        return examine(deployment, RATIO_PLAN);
    }

    private static List<String> checks(DoctorReport report) {
        return report.findings().stream().map(Finding::check).toList();
    }

    private static Finding only(DoctorReport report, String check) {
        List<Finding> found = report.findings().stream().filter(f -> f.check().equals(check)).toList();
        assertThat(found).as(report.text()).hasSize(1);
        return found.get(0);
    }

    @Test
    void aHealthyWorkloadHasNoFindings() {
        DoctorReport report = examineWithBudget(healthy(b -> b));

        assertThat(report.findings()).as(report.text()).isEmpty();
        assertThat(report.preStopSeconds()).isEqualTo(5);
        assertThat(report.text()).isEqualTo("Doctor: canary of deployment/demo/web: no findings\n");
    }

    @Test
    void readinessProbeMissing() {
        DoctorReport report = examineWithBudget(healthy(b -> b.editSpec().editTemplate().editSpec()
                .editFirstContainer().withReadinessProbe(null).endContainer().endSpec().endTemplate().endSpec()));

        Finding finding = only(report, "readiness-probe");
        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.field()).isEqualTo("spec.template.spec.containers[app].readinessProbe");
        assertThat(finding.fix()).contains("readinessProbe:", "port: 8080");
    }

    @Test
    void readinessProbeIdenticalToLiveness() {
        DoctorReport report = examineWithBudget(healthy(b -> b.editSpec().editTemplate().editSpec()
                .editFirstContainer().editReadinessProbe().editHttpGet().withPath("/healthz").endHttpGet()
                .endReadinessProbe().endContainer().endSpec().endTemplate().endSpec()));

        assertThat(only(report, "readiness-probe").problem())
                .isEqualTo("the readiness probe checks the same thing as the liveness probe (GET /healthz on port"
                        + " 8080)");
    }

    @Test
    void slowStarterWithoutStartupProbe() {
        DoctorReport slow = examineWithBudget(healthy(b -> b.editSpec().editTemplate().editSpec()
                .editFirstContainer().editLivenessProbe().withInitialDelaySeconds(60).endLivenessProbe()
                .endContainer().endSpec().endTemplate().endSpec()));
        assertThat(only(slow, "startup-probe").problem()).contains("its probes wait 60s");

        cluster.reset();
        DoctorReport withStartup = examineWithBudget(healthy(b -> b.editSpec().editTemplate().editSpec()
                .editFirstContainer().editLivenessProbe().withInitialDelaySeconds(60).endLivenessProbe()
                .withNewStartupProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString(8080))
                .endHttpGet().withFailureThreshold(30).endStartupProbe()
                .endContainer().endSpec().endTemplate().endSpec()));
        assertThat(checks(withStartup)).doesNotContain("startup-probe");
    }

    @Test
    void noPreStopHookAndTooShortAGracePeriod() {
        DoctorReport report = examineWithBudget(healthy(b -> b.editSpec().editTemplate().editSpec()
                .withTerminationGracePeriodSeconds(10L).editFirstContainer().withLifecycle(null).endContainer()
                .endSpec().endTemplate().endSpec()));

        assertThat(only(report, "prestop-hook").fix()).contains("sleep: {seconds: 5}");
        Finding grace = only(report, "termination-grace");
        assertThat(grace.problem()).isEqualTo("terminationGracePeriodSeconds is 10s, less than the preStop sleep"
                + " plus the longest request (10s, doctor.longestRequestSeconds): 15s");
        assertThat(grace.fix()).isEqualTo("terminationGracePeriodSeconds: 15");
        assertThat(report.preStopSeconds()).isNull();
    }

    @Test
    void preStopSleepShorterThanEndpointPropagation() {
        DoctorReport report = examineWithBudget(healthy(b -> b.editSpec().editTemplate().editSpec()
                .editFirstContainer().editLifecycle().withNewPreStop().withNewExec()
                .withCommand("sh", "-c", "sleep 2").endExec().endPreStop().endLifecycle().endContainer()
                .endSpec().endTemplate().endSpec()));

        assertThat(only(report, "prestop-hook").problem()).isEqualTo("the preStop sleep of 2s is shorter than the"
                + " endpoint propagation delay of 5s (doctor.endpointPropagationSeconds)");
        assertThat(report.preStopSeconds()).isEqualTo(2);
    }

    @Test
    void maxUnavailableWithFewReplicasAndRecreate() {
        DoctorReport rolling = examineWithBudget(healthy(b -> b.editSpec().editStrategy().editRollingUpdate()
                .withMaxUnavailable(new IntOrString("25%")).endRollingUpdate().endStrategy().endSpec()));
        assertThat(only(rolling, "rolling-update").problem())
                .isEqualTo("maxUnavailable 25% lets 1 of 4 pods be down during an update");

        cluster.reset();
        DoctorReport recreate = examineWithBudget(healthy(b -> b.editSpec().withNewStrategy().withType("Recreate")
                .endStrategy().endSpec()));
        assertThat(only(recreate, "rolling-update").field()).isEqualTo("spec.strategy.type");
    }

    @Test
    void noDisruptionBudgetOrOneThatBlocksEveryEviction() {
        DoctorReport none = examine(healthy(b -> b), RATIO_PLAN);
        assertThat(only(none, "pod-disruption-budget").problem())
                .isEqualTo("no PodDisruptionBudget selects the pods of web");

        cluster.reset();
        createBudget(null, new IntOrString(4));
        DoctorReport blocking = examine(healthy(b -> b), RATIO_PLAN);
        Finding finding = only(blocking, "pod-disruption-budget");
        assertThat(finding.object()).isEqualTo("poddisruptionbudget/demo/web");
        assertThat(finding.problem()).isEqualTo("the budget allows no eviction of the 4 pod(s) of web (minAvailable"
                + " 4)");
    }

    @Test
    void anAutoscalerOnTheStableDeployment() {
        cluster.client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).resource(
                new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("web").withNamespace(NS).endMetadata()
                        .withNewSpec().withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                        .withName("web").endScaleTargetRef().withMinReplicas(2).withMaxReplicas(10).endSpec()
                        .build()).create();

        Finding finding = only(examineWithBudget(healthy(b -> b)), "hpa");
        assertThat(finding.object()).isEqualTo("horizontalpodautoscaler/demo/web");
        assertThat(finding.fix()).startsWith("spec:\n  minReplicas: 4");
    }

    @Test
    void mutableImageTagsAndThePullPolicy() {
        String latestPlan = RATIO_PLAN.replace("registry.example.com/web:2.0@sha256:0123",
                "registry.example.com/web:latest");
        createBudget(new IntOrString(1), null);
        DoctorReport latest = examine(healthy(b -> b.editSpec().editTemplate().editSpec().editFirstContainer()
                .withImagePullPolicy("IfNotPresent").endContainer().endSpec().endTemplate().endSpec()), latestPlan);
        assertThat(only(latest, "image-tag").severity()).isEqualTo(Severity.WARNING);
        assertThat(only(latest, "image-pull-policy").severity()).isEqualTo(Severity.WARNING);

        cluster.reset();
        createBudget(new IntOrString(1), null);
        DoctorReport tagged = examine(healthy(b -> b), RATIO_PLAN.replace("@sha256:0123", ""));
        assertThat(only(tagged, "image-tag").severity()).isEqualTo(Severity.NOTE);
        assertThat(only(tagged, "image-tag").fix()).isEqualTo("image: registry.example.com/web:2.0@sha256:<digest>");
    }

    @Test
    void longLivedConnectionsAndSessionAffinity() {
        cluster.client.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("web")
                .withNamespace(NS).endMetadata().withNewSpec().addToSelector("app", "web")
                .withSessionAffinity("ClientIP").addNewPort().withName("grpc").withPort(9090).endPort().endSpec()
                .build()).create();

        Finding finding = only(examineWithBudget(healthy(b -> b)), "long-lived-connections");
        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.problem()).isEqualTo("long-lived or sticky connections: service/demo/web sessionAffinity"
                + " ClientIP, service/demo/web port 'grpc'");
    }

    @Test
    void istioRetriesHideCanaryErrorsAndOutlierDetectionIsAbsent() {
        cluster.servingIstio("v1");
        cluster.createIstio("v1", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: web, namespace: demo}
                spec:
                  hosts: [web]
                  http:
                  - name: primary
                    retries: {attempts: 3, retryOn: "5xx"}
                    route:
                    - destination: {host: web-stable}
                      weight: 100
                    - destination: {host: web-canary}
                      weight: 0
                """);
        cluster.createIstio("v1", """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: web-stable, namespace: demo}
                spec: {host: web-stable}
                """);
        String istioPlan = RATIO_PLAN + "traffic: {istio: {virtualService: web, route: primary,"
                + " stableService: web-stable, canaryService: web-canary}}\n";
        createBudget(new IntOrString(1), null);

        DoctorReport report = examine(healthy(b -> b), istioPlan);

        assertThat(only(report, "route-retries").problem()).isEqualTo("the route retries 3 time(s) on 5xx");
        assertThat(only(report, "route-retries").severity()).isEqualTo(Severity.WARNING);
        Finding outlier = only(report, "outlier-detection");
        assertThat(outlier.object()).isEqualTo("destinationrule/demo/web-stable");
        assertThat(outlier.severity()).isEqualTo(Severity.NOTE);
    }

    @Test
    void blueGreenSubsetsThatDoNotMatchThePods() {
        cluster.servingIstio("v1");
        cluster.create(BlueGreenFixtures.colourDeployment("blue", 3, "payments:1.0"));
        cluster.createIstio("v1", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: payments, namespace: demo}
                spec:
                  hosts: [payments]
                  http:
                  - name: primary
                    retries: {attempts: 0}
                    route:
                    - destination: {host: payments, subset: blue}
                      weight: 100
                    - destination: {host: payments, subset: green}
                      weight: 0
                """);
        cluster.createIstio("v1", """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: payments, namespace: demo}
                spec:
                  host: payments
                  trafficPolicy: {outlierDetection: {consecutive5xxErrors: 5}}
                  subsets:
                  - name: blue
                    labels: {app: payments, slot: blue}
                  - name: green
                    labels: {app: payments, slot: grn}
                """);

        DoctorReport report = Doctor.examine(cluster.client, PlanLoader.load("""
                target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0@sha256:99"}
                previewService: payments-preview
                traffic: {istio: {virtualService: payments, route: primary, destinationRule: payments}}
                """, "bg.yaml"));

        Finding finding = only(report, "destination-rule-subsets");
        assertThat(finding.field()).isEqualTo("spec.subsets[green].labels");
        assertThat(finding.problem()).startsWith("subset 'green' selects {app=payments, slot=grn}");
        assertThat(finding.fix()).contains("slot: green");
        assertThat(checks(report)).doesNotContain("route-retries", "outlier-detection");
    }

    @Test
    void requiredChecksBecomeErrorsAndSkippedOnesDisappear() {
        DoctorReport report = examine(healthy(b -> b.editSpec().editTemplate().editSpec()
                .editFirstContainer().withReadinessProbe(null).endContainer().endSpec().endTemplate().endSpec()),
                RATIO_PLAN + "doctor: {required: [readiness-probe], skip: [pod-disruption-budget]}\n");

        assertThat(report.findings()).extracting(Finding::check, Finding::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("readiness-probe", Severity.ERROR));
        assertThat(report.blocking()).isTrue();
        assertThat(report.toMap()).containsEntry("ok", false).containsEntry("errors", 1);
    }

    @Test
    void theReportIsStableTextForATicket() {
        DoctorReport report = examine(healthy(b -> b.editSpec().editTemplate().editSpec()
                .editFirstContainer().withReadinessProbe(null).withLifecycle(null).endContainer().endSpec()
                .endTemplate().endSpec()), RATIO_PLAN);

        assertThat(report.text()).isEqualTo("""
                Doctor: canary of deployment/demo/web: 3 warnings
                #  SEVERITY  CHECK                  OBJECT               FIELD
                1  WARNING   readiness-probe        deployment/demo/web  spec.template.spec.containers[app].readinessProbe
                2  WARNING   prestop-hook           deployment/demo/web  spec.template.spec.containers[app].lifecycle.preStop
                3  WARNING   pod-disruption-budget  deployment/demo/web  spec.template.metadata.labels

                1. readiness-probe (warning): container app has no readiness probe
                   Why: a pod counts as ready, gets traffic and lets the rollout move on as soon as its process has started, before it can serve; the first requests to every new pod fail
                   Fix (deployment/demo/web, spec.template.spec.containers[app].readinessProbe):
                     readinessProbe:
                       httpGet: {path: /ready, port: 8080}
                       periodSeconds: 5
                       failureThreshold: 3

                2. prestop-hook (warning): container app has no preStop hook
                   Why: Kubernetes sends SIGTERM at the same moment it removes the pod from the endpoints; for about 5s the mesh and kube-proxy still send new requests to a pod that is shutting down: errors on every scale-down, promotion and rollback
                   Fix (deployment/demo/web, spec.template.spec.containers[app].lifecycle.preStop):
                     lifecycle:
                       preStop:
                         sleep: {seconds: 5}   # Kubernetes 1.30+; before: exec: {command: ["sleep", "5"]}

                3. pod-disruption-budget (warning): no PodDisruptionBudget selects the pods of web
                   Why: a node drain or cluster upgrade during the rollout may evict every stable pod at once, while the canary is too small to take their traffic
                   Fix (deployment/demo/web, spec.template.metadata.labels):
                     apiVersion: policy/v1
                     kind: PodDisruptionBudget
                     metadata:
                       name: web
                     spec:
                       maxUnavailable: 1
                       selector:
                         matchLabels:
                           app: web
                """);
        assertThat(MockCluster.writes(cluster.takeRequests())).as("the doctor only reads").containsExactly(
                "POST /apis/apps/v1/namespaces/demo/deployments");
    }
}
