package io.jenkins.plugins.progressivedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.cli.demo.DemoTestCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code doctor} against the demo's embedded API server, reached through a kubeconfig. */
class DoctorCommandTest {
    private DemoTestCluster cluster;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        cluster = DemoTestCluster.start();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private int doctor(Path dir, String plan) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), cluster.kubeconfig());
        Path file = Files.writeString(dir.resolve("canary.yaml"), plan);
        CommandLine command = Main.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute("doctor", file.toString(), "--kubeconfig", kubeconfig.toString(),
                "--json", dir.resolve("findings.json").toString());
    }

    private static final String PLAN = """
            target: {namespace: demo, deployment: web, container: web, image: "web:2.0"}
            traffic:
              istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
            steps: [{setWeight: 25}, {setWeight: 100}]
            """;

    @Test
    void printsTheFindingsAsATableAndWritesThemAsJsonWithoutWritingToTheCluster(@TempDir Path dir)
            throws Exception {
        int writesBefore = cluster.writeCount();

        int exit = doctor(dir, PLAN);

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("Doctor: canary of deployment/demo/web: ")
                .contains("#  SEVERITY  CHECK", "Why: ", "Fix (");
        assertThat(Files.readString(dir.resolve("findings.json"))).contains("\"findings\":[{\"check\":");
        assertThat(cluster.writeCount()).isEqualTo(writesBefore);
    }

    @Test
    void exitsWith1WhenARequiredCheckFails(@TempDir Path dir) throws Exception {
        int exit = doctor(dir, PLAN + "doctor: {required: [all]}\n");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("ERROR");
    }
}
