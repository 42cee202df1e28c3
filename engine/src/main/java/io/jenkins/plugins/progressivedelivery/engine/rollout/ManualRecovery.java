package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenIstioSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.GatewayApiSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.IstioSpec;

/**
 * What a person does when a rollback cannot finish: which resource is left in which state, and the {@code kubectl}
 * command that finishes the rollback, from the plan and what the runner knows (no cluster call: the cluster may be
 * what is failing).
 */
final class ManualRecovery {
    private ManualRecovery() {
    }

    /**
     * {@code virtualservice/shop/web route primary still sends 20% of traffic to the canary (web:2.0)}.
     *
     * @param route the resource that splits traffic, as the runner names it
     */
    static String canaryLeft(CanaryPlan plan, String route, Stage stage, int canaryWeight, String stableImage) {
        String ns = plan.target().namespace();
        String traffic = plan.traffic().isReplicaRatio()
                ? "deployment/" + ns + "/" + plan.target().canaryDeployment() + " (" + plan.target().image()
                        + ") still takes about " + canaryWeight + "% of the pods"
                : route + " still sends " + canaryWeight + "% of traffic to the canary (" + plan.target().image()
                        + ")";
        if (stage == Stage.ROLLBACK_RESTORE_STABLE || stage == Stage.ROLLBACK_AWAIT_STABLE) {
            return "deployment/" + ns + "/" + plan.target().deployment() + " runs " + plan.target().image()
                    + " since the promotion (its old pod template, " + stableImage + ", is not back or not ready)"
                    + " and " + traffic;
        }
        return traffic;
    }

    /** The commands that finish a canary's rollback from {@code stage}, joined with {@code &&}. */
    static String canaryCommand(CanaryPlan plan, Stage stage, int stableReplicas, String stableImage,
                                String rollbackCommand) {
        String ns = plan.target().namespace();
        String traffic;
        if (plan.traffic().isReplicaRatio()) {
            traffic = "kubectl -n " + ns + " scale deployment " + plan.target().deployment() + " --replicas="
                    + stableReplicas + " && kubectl -n " + ns + " scale deployment "
                    + plan.target().canaryDeployment() + " --replicas=0";
        } else if (rollbackCommand != null) {
            traffic = rollbackCommand;
        } else if (plan.traffic().nginx() != null) {
            traffic = "kubectl -n " + ns + " annotate ingress " + plan.traffic().nginx().canaryIngress()
                    + " nginx.ingress.kubernetes.io/canary-weight=0 --overwrite";
        } else if (plan.traffic().gatewayAPI() != null) {
            GatewayApiSpec gateway = plan.traffic().gatewayAPI();
            traffic = "kubectl -n " + ns + " edit " + gateway.kind().toLowerCase(java.util.Locale.ROOT) + " "
                    + gateway.routeName() + "  # " + (gateway.rule() == null ? "the rule" : "rule " + gateway.rule())
                    + ": weight 100 on the stable backendRef, 0 on the others";
        } else {
            IstioSpec istio = plan.traffic().istio();
            String stable = istio.isSubsetSplit() ? "subset " + istio.stableSubset() : istio.stableService();
            traffic = "kubectl -n " + ns + " edit virtualservice " + istio.virtualService() + "  # route "
                    + (istio.route() == null ? "(the only one)" : istio.route()) + ": weight 100 on " + stable
                    + ", 0 on every other destination";
        }
        if (stage == Stage.ROLLBACK_RESTORE_STABLE || stage == Stage.ROLLBACK_AWAIT_STABLE) {
            String deployment = "deployment/" + plan.target().deployment();
            return "kubectl -n " + ns + " set image " + deployment + " " + plan.target().container() + "="
                    + stableImage + " && kubectl -n " + ns + " rollout status " + deployment + " && " + traffic;
        }
        return traffic;
    }

    /** {@code service/pay/payments still sends production to green (payments:2.0)}. */
    static String blueGreenLeft(BlueGreenPlan plan, String production, Colour newColour) {
        return production + " still sends production traffic to " + newColour + " ("
                + plan.target().deployment(newColour) + ", " + plan.target().image() + ")";
    }

    /** The command that points production back at {@code old}. */
    static String blueGreenCommand(BlueGreenPlan plan, Colour old) {
        String ns = plan.target().namespace();
        if (plan.traffic().isServiceSelector()) {
            return "kubectl -n " + ns + " patch service " + plan.activeService() + " --type=merge -p '{\"spec\":"
                    + "{\"selector\":{\"" + plan.effectiveColorLabel() + "\":\"" + old.id() + "\"}}}'";
        }
        BlueGreenIstioSpec istio = plan.traffic().istio();
        if (istio == null) {
            GatewayApiSpec gateway = plan.traffic().gatewayAPI().asSplit();
            return "kubectl -n " + ns + " edit " + gateway.kind().toLowerCase(java.util.Locale.ROOT) + " "
                    + gateway.routeName() + "  # weight 100 on the " + old + " backendRef, 0 on the other";
        }
        String destination = istio.isSubsetSplit() ? "subset " + istio.subset(old) : istio.service(old);
        return "kubectl -n " + ns + " edit virtualservice " + istio.virtualService() + "  # route "
                + (istio.route() == null ? "(the only one)" : istio.route()) + ": weight 100 on " + destination
                + ", 0 on the other";
    }
}
