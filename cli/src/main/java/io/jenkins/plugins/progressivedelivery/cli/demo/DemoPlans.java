package io.jenkins.plugins.progressivedelivery.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;

/**
 * The demo's plans, as YAML a user could take to a real cluster: {@code demo/canary.yaml} with the analysis of
 * {@code demo/canary-analysis.yaml} at each analysis step, placeholders filled in.
 */
final class DemoPlans {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z]+)}");

    private DemoPlans() {
    }

    /** How long the demo waits at each step. */
    record Timing(Duration pause, Duration interval, Duration window, Duration abortScaleDownDelay,
                  Duration rolloutTime) {
        // The rate window is no longer than the pause before the first measurement, so a measurement never
        // counts requests the previous rollout's canary served under the same "canary" label.
        /** About a minute and a half for both rollouts. */
        static final Timing NORMAL = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(1500));
        /** About a minute, for CI. */
        static final Timing FAST = new Timing(Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(500));
    }

    /** The canary plan rolling out {@code image}, measuring with the Prometheus at {@code prometheus}. */
    static String canary(String image, String prometheus, Timing timing) {
        Map<String, String> values = Map.of(
                "image", image,
                "prometheus", prometheus,
                "pause", Durations.format(timing.pause()),
                "interval", Durations.format(timing.interval()),
                "abortScaleDownDelay", Durations.format(timing.abortScaleDownDelay()));
        String analysis = fill(resource("demo/canary-analysis.yaml"), values);
        StringBuilder plan = new StringBuilder();
        for (String line : fill(resource("demo/canary.yaml"), values).split("\n", -1)) {
            int at = line.indexOf("${analysis}");
            if (at < 0) {
                plan.append(line).append('\n');
                continue;
            }
            // A step "  - analysis: ${analysis}": the analysis goes below it, indented under the key.
            String indent = " ".repeat(line.indexOf("analysis:") + 2);
            plan.append(line.substring(0, at).stripTrailing()).append('\n');
            for (String analysisLine : analysis.split("\n")) {
                if (!analysisLine.isBlank() && !analysisLine.startsWith("#")) {
                    plan.append(indent).append(analysisLine).append('\n');
                }
            }
        }
        String text = plan.toString().stripTrailing() + "\n";
        Matcher left = PLACEHOLDER.matcher(text);
        if (left.find()) {
            throw new IllegalStateException("demo plan placeholder ${" + left.group(1) + "} has no value");
        }
        return text;
    }

    private static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String resource(String name) {
        try (InputStream in = DemoPlans.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the CLI jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
