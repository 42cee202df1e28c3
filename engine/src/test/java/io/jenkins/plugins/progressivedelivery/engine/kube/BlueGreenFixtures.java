package io.jenkins.plugins.progressivedelivery.engine.kube;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;

/**
 * The blue-green setup of the seeds, in namespace {@value MockCluster#NS}: Deployment {@code payments-blue} in
 * production behind Service {@code payments} ({@code app: payments, slot: blue}), Service {@code payments-preview}
 * with the same selector, and for the mesh variant Services {@code payments-blue}/{@code payments-green} and a
 * VirtualService {@code payments} whose route {@code primary} sends everything to blue.
 */
public final class BlueGreenFixtures {
    public static final String VIRTUAL_SERVICE = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: payments, namespace: demo}
            spec:
              hosts: [payments.example.com]
              http:
              - name: admin
                match: [{uri: {prefix: /admin}}]
                route:
                - destination: {host: payments-blue}
              - name: primary
                timeout: 2s
                route:
                - destination: {host: payments-blue, port: {number: 80}}
                  weight: 100
                - destination: {host: payments-green, port: {number: 80}}
                  weight: 0
            """;

    private BlueGreenFixtures() {
    }

    /**
     * Deployment {@code payments-<colour>} with {@code replicas}, selector {app: payments, slot: colour}, pods also
     * labelled {tier: backend}, containers {@code app} ({@code image}) and {@code log} (fluent-bit:3).
     */
    public static Deployment colourDeployment(String colour, int replicas, String image) {
        return new DeploymentBuilder()
                .withNewMetadata().withName("payments-" + colour).withNamespace(NS)
                .addToLabels("app", "payments").addToLabels("slot", colour).endMetadata()
                .withNewSpec().withReplicas(replicas).withMinReadySeconds(5).withRevisionHistoryLimit(3)
                .withNewSelector().addToMatchLabels("app", "payments").addToMatchLabels("slot", colour).endSelector()
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", "payments").addToLabels("slot", colour)
                .addToLabels("tier", "backend").addToAnnotations("prometheus.io/scrape", "true").endMetadata()
                .withNewSpec()
                .addNewContainer().withName("app").withImage(image).addNewPort().withContainerPort(8080)
                .endPort().endContainer()
                .addNewContainer().withName("log").withImage("fluent-bit:3").endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    /** Blue in production with 4 replicas of payments:1.0, behind Services payments and payments-preview. */
    public static void blueInProduction(MockCluster cluster) {
        cluster.create(colourDeployment("blue", 4, "payments:1.0"));
        cluster.markRolledOut("payments-blue");
        cluster.createService("payments", "app", "payments", "slot", "blue");
        cluster.createService("payments-preview", "app", "payments", "slot", "blue");
    }

    /** The mesh variant: Services payments-blue and payments-green, VirtualService payments all on blue. */
    public static void blueInProductionBehindIstio(MockCluster cluster) {
        cluster.servingIstio("v1");
        cluster.create(colourDeployment("blue", 4, "payments:1.0"));
        cluster.markRolledOut("payments-blue");
        cluster.createService("payments-preview", "app", "payments", "slot", "blue");
        cluster.createService("payments-blue", "app", "payments", "slot", "blue");
        cluster.createService("payments-green", "app", "payments", "slot", "green");
        cluster.createIstio("v1", VIRTUAL_SERVICE);
    }

    /** {@code slot=blue}: the active Service's colour label as the API server has it. */
    public static String selected(MockCluster cluster, String service) {
        Map<String, String> selector = cluster.client.services().inNamespace(NS).withName(service).get().getSpec()
                .getSelector();
        return "slot=" + selector.get("slot");
    }

    /** {@code blue 100, green 0}: the weights of route primary as the API server has them. */
    public static String weights(MockCluster cluster) {
        GenericKubernetesResource vs = cluster.getIstio("v1", "VirtualService", "payments");
        List<Map<String, Object>> http = vs.get("spec", "http");
        for (Map<String, Object> route : http) {
            if ("primary".equals(route.get("name"))) {
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> destinations = (List<Map<String, Object>>) route.get("route");
                StringBuilder out = new StringBuilder();
                for (Map<String, Object> destination : destinations) {
                    @SuppressWarnings("unchecked")
                    String host = (String) ((Map<String, Object>) destination.get("destination")).get("host");
                    out.append(out.length() == 0 ? "" : ", ").append(host.replace("payments-", "")).append(' ')
                            .append(destination.get("weight"));
                }
                return out.toString();
            }
        }
        throw new AssertionError("no route primary");
    }
}
