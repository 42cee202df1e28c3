package io.jenkins.plugins.progressivedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void printsEveryProblemWithItsFieldPathAndExits2(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("canary.yaml"), """
                target:
                  namespace: demo
                  deployment: web
                  container: web
                traffic:
                  istio:
                    virtualService: web
                    route: primary
                    stableService: web-stable
                    canaryService: web-canary
                steps:
                  - setWeight: 10
                  - pause: 30s
                  - setWeight: 140
                """);

        int exit = run("validate", plan.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains(plan + " is invalid (2 problems)")
                .containsPattern("(?m)^  steps\\[2]\\.setWeight: .*140")
                .containsPattern("(?m)^  target\\.image: ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aPlanWithAPreviewServiceIsCheckedAsBlueGreen(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("bluegreen.yaml"), """
                target: {namespace: pay, deployment: payments, container: app, image: "payments:2.0"}
                activeService: payments
                previewService: payments
                autoPromotionSeconds: 30
                """);

        int exit = run("validate", plan.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).containsPattern("(?m)^  previewService: must differ from activeService");
        Files.writeString(plan, Files.readString(plan).replace("previewService: payments",
                "previewService: payments-preview"));
        err.getBuffer().setLength(0);
        assertThat(run("validate", plan.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("is valid: blue-green switch to payments:2.0")
                .contains("automatic promotion after 30s");
    }

    @Test
    void aValueOfTheWrongKindIsNamedByItsPath(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("canary.yaml"), """
                target:
                  namespace: demo
                  deployment: web
                  container: web
                  image: web:2.0
                steps:
                  - setWeight: 10
                  - pause: soon
                """);

        int exit = run("validate", plan.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("steps[1].pause").contains("'soon' is not a duration");
    }

    @Test
    void describesAValidPlanAndExits0(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("canary.yaml"), """
                target:
                  namespace: demo
                  deployment: web
                  container: web
                  image: web:2.0
                traffic:
                  istio:
                    virtualService: web
                    route: primary
                    stableService: web-stable
                    canaryService: web-canary
                steps:
                  - setWeight: 10
                  - pause: 30s
                  - setWeight: 50
                  - pause: {}
                """);

        int exit = run("validate", plan.toString());

        assertThat(err.toString()).isEmpty();
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("is valid: canary of web:2.0 for deployment/demo/web")
                .contains("weight 10%, pause 30s, weight 50%, pause until promoted");
    }

    @Test
    void aMissingFileIsAnInputErrorNamingTheFile(@TempDir Path dir) {
        int exit = run("validate", dir.resolve("nope.yaml").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("cannot read").contains("nope.yaml");
    }

    @Test
    void describesAGatewayApiPlanWithRouteAndScaleSteps(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("canary.yaml"), """
                target: {namespace: demo, deployment: web, container: web, image: "web:2.0"}
                traffic:
                  gatewayAPI: {httpRoute: web, rule: primary, stableService: web-stable, canaryService: web-canary}
                steps:
                  - setCanaryScale: {replicas: 2}
                  - setHeaderRoute: {name: testers, match: [{headerName: X-Canary, headerValue: {exact: always}}]}
                  - setMirrorRoute: {name: shadow, percentage: 20}
                  - setWeight: 10
                """);

        int exit = run("validate", plan.toString());

        assertThat(err.toString()).isEmpty();
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("(Gateway API HTTPRoute web)").contains("canary scale 2 replicas,"
                + " header route testers to the canary, mirror route shadow (20% to the canary), weight 10%");
    }
}
