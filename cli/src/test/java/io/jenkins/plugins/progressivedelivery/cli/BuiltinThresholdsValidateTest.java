package io.jenkins.plugins.progressivedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code validate} checks a plan file's built-in metrics with thresholds as the steps do. */
class BuiltinThresholdsValidateTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void builtinMetricsWithThresholdsValidateAndBadOnesAreNamed(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("canary.yaml"), """
                target: {namespace: shop, deployment: checkout, container: app, image: "checkout:2"}
                traffic:
                  istio: {virtualService: checkout, stableService: checkout-stable, canaryService: checkout-canary}
                metrics:
                  prometheus: {address: 'http://prometheus:9090'}
                analysis:
                  metrics: [{name: latency-p99, max: 500, interval: 1m}]
                steps:
                  - setWeight: 10
                  - analysis:
                      metrics:
                        - {name: success-rate, min: 99, interval: 1m, count: 5, failureLimit: 1}
                """);
        assertThat(run("validate", plan.toString())).as(err.toString()).isZero();

        Files.writeString(plan, Files.readString(plan).replace("max: 500", "min: 500")
                .replace("min: 99,", "min: 199,"));
        assertThat(run("validate", plan.toString())).isEqualTo(2);
        assertThat(err.toString())
                .containsPattern("(?m)^  analysis\\.metrics\\[0]\\.min: latency-p99 is a latency in milliseconds")
                .containsPattern("(?m)^  steps\\[1]\\.analysis\\.metrics\\[0]\\.min: 199\\.0 is not a percentage");
    }
}
