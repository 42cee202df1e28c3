package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import org.junit.jupiter.api.Test;

/** The line a rollback that cannot finish leaves, for each kind of traffic split: what is left, and the command. */
class ManualRecoveryTest {
    private static CanaryPlan plan(String traffic) {
        return PlanLoader.loadCanary("""
                target: {namespace: shop, deployment: checkout, container: app, image: "checkout:2.0"}
                """ + traffic + """
                steps:
                  - setWeight: 20
                """, "canary.yaml");
    }

    @Test
    void eachRouterGetsACommandThatPutsAllTrafficOnStable() {
        CanaryPlan gateway = plan("""
                traffic:
                  gatewayAPI: {httpRoute: checkout, rule: primary, stableService: checkout-stable, canaryService: checkout-canary}
                """);
        CanaryPlan nginx = plan("""
                traffic:
                  nginx: {stableIngress: checkout, stableService: checkout-stable, canaryService: checkout-canary}
                """);
        CanaryPlan ratio = plan("");

        assertThat(ManualRecovery.canaryLeft(gateway, "httproute/shop/checkout rule primary", Stage.ROLLBACK_TRAFFIC,
                20, "checkout:1.0")).isEqualTo("httproute/shop/checkout rule primary still sends 20% of traffic to"
                + " the canary (checkout:2.0)");
        assertThat(ManualRecovery.canaryCommand(gateway, Stage.ROLLBACK_TRAFFIC, 4, "checkout:1.0", null))
                .isEqualTo("kubectl -n shop edit httproute checkout  # rule primary: weight 100 on the stable"
                        + " backendRef, 0 on the others");
        assertThat(ManualRecovery.canaryCommand(nginx, Stage.ROLLBACK_TRAFFIC, 4, "checkout:1.0", null))
                .startsWith("kubectl -n shop annotate ingress ").endsWith(
                        " nginx.ingress.kubernetes.io/canary-weight=0 --overwrite");
        assertThat(ManualRecovery.canaryCommand(ratio, Stage.ROLLBACK_TRAFFIC, 4, "checkout:1.0", null))
                .isEqualTo("kubectl -n shop scale deployment checkout --replicas=4 && kubectl -n shop scale"
                        + " deployment checkout-canary --replicas=0");
    }

    @Test
    void afterThePromotionWriteTheOldImageGoesBackFirstAndIsWaitedFor() {
        CanaryPlan ratio = plan("");

        assertThat(ManualRecovery.canaryCommand(ratio, Stage.ROLLBACK_AWAIT_STABLE, 4, "checkout:1.0", null))
                .startsWith("kubectl -n shop set image deployment/checkout app=checkout:1.0 && kubectl -n shop"
                        + " rollout status deployment/checkout && kubectl -n shop scale deployment checkout");
        assertThat(ManualRecovery.canaryLeft(ratio, "deployment/shop/checkout replica ratio",
                Stage.ROLLBACK_RESTORE_STABLE, 100, "checkout:1.0")).startsWith("deployment/shop/checkout runs"
                + " checkout:2.0 since the promotion (its old pod template, checkout:1.0, is not back or not ready)");
    }
}
