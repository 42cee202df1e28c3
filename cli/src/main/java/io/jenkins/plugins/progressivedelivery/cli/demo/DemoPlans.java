package io.jenkins.plugins.progressivedelivery.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;

/**
 * The demo's plans, as YAML a user could take to a real cluster, placeholders filled in: {@code demo/canary.yaml}
 * (a baseline and a judge step, no PromQL), and {@code demo/bluegreen.yaml}
 * with {@code demo/bluegreen-preview-analysis.yaml} before and {@code demo/bluegreen-production-analysis.yaml}
 * after promotion.
 */
final class DemoPlans {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z]+)}");

    private DemoPlans() {
    }

    /**
     * How long the demo waits at each step.
     *
     * @param promotion      a blue-green switch's wait at the promotion gate: its {@code autoPromotionSeconds}, or
     *                       how long the demo's user takes to promote
     * @param scaleDownDelay a blue-green switch's {@code scaleDownDelaySeconds}: longer than the post-promotion
     *                       analysis ({@code window} + 2 {@code interval}), so the old colour is still warm when it
     *                       ends
     * @param judgeWindow    how long the canary and its baseline take traffic before the judge compares them, and
     *                       the judge's window: {@code judgeStep} apart, that is at least the judge's 10 samples a side
     * @param judgeStep      the judge's sampling step and rate window: two of the demo Prometheus' 1s scrapes
     */
    record Timing(Duration pause, Duration interval, Duration window, Duration abortScaleDownDelay,
                  Duration rolloutTime, Duration promotion, Duration scaleDownDelay, Duration judgeWindow,
                  Duration judgeStep) {
        // The rate window is no longer than the pause before the first measurement, so a measurement never
        // counts requests the previous rollout's canary served under the same "canary" label.
        /** About three and a half minutes for the four rollouts. */
        static final Timing NORMAL = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(1500), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(40), Duration.ofSeconds(2));
        /** About a minute and a half, for CI. */
        static final Timing FAST = new Timing(Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(2),
                Duration.ofSeconds(12), Duration.ofSeconds(24), Duration.ofSeconds(2));
    }

    /** The canary plan rolling out {@code image}, judged with the Prometheus at {@code prometheus}. */
    static String canary(String image, String prometheus, Timing timing) {
        Map<String, String> values = Map.of(
                "image", image,
                "prometheus", prometheus,
                "pause", Durations.format(timing.pause()),
                "judgeWindow", Durations.format(timing.judgeWindow()),
                "judgeStep", Durations.format(timing.judgeStep()),
                "abortScaleDownDelay", Durations.format(timing.abortScaleDownDelay()));
        return plan("demo/canary.yaml", values, Map.of(), Set.of());
    }

    /** The canary plan rolling out {@code image} of the shop app over its Gateway API HTTPRoute. */
    static String gatewayCanary(String image, String prometheus, Timing timing) {
        Map<String, String> values = Map.of(
                "image", image,
                "prometheus", prometheus,
                "pause", Durations.format(timing.pause()),
                "interval", Durations.format(timing.interval()),
                "abortScaleDownDelay", Durations.format(timing.abortScaleDownDelay()));
        return plan("demo/canary-gateway.yaml", values, Map.of("analysis", "demo/canary-gateway-analysis.yaml"),
                Set.of());
    }

    /**
     * The blue-green plan switching to {@code image}, measuring with the Prometheus at {@code prometheus}.
     *
     * @param autoPromotion whether it promotes itself {@link Timing#promotion} after the preview passed; if not, a
     *                      person must
     */
    static String blueGreen(String image, String prometheus, Timing timing, boolean autoPromotion) {
        Map<String, String> values = new HashMap<>(Map.of(
                "image", image,
                "prometheus", prometheus,
                "interval", Durations.format(timing.interval()),
                "window", Durations.format(timing.window()),
                "scaleDownDelaySeconds", Long.toString(timing.scaleDownDelay().toSeconds()),
                "abortScaleDownDelaySeconds", Long.toString(timing.abortScaleDownDelay().toSeconds())));
        if (autoPromotion) {
            values.put("autoPromotionSeconds", Long.toString(timing.promotion().toSeconds()));
        }
        return plan("demo/bluegreen.yaml", values, Map.of(
                "previewAnalysis", "demo/bluegreen-preview-analysis.yaml",
                "productionAnalysis", "demo/bluegreen-production-analysis.yaml"), Set.of("autoPromotionSeconds"));
    }

    /**
     * The template {@code resource} with {@code values} filled in; a line {@code key: ${name}} whose name is in
     * {@code blocks} gets that resource (filled in too) as its value, indented under the key, and the line of an
     * {@code optional} placeholder without a value is left out: this plan does without that field.
     */
    private static String plan(String resource, Map<String, String> values, Map<String, String> blocks,
                               Set<String> optional) {
        StringBuilder plan = new StringBuilder();
        for (String line : fill(resource(resource), values).split("\n", -1)) {
            Matcher placeholder = PLACEHOLDER.matcher(line);
            if (!placeholder.find() || line.trim().startsWith("#")) {
                plan.append(line).append('\n');
                continue;
            }
            String block = blocks.get(placeholder.group(1));
            if (block == null) {
                if (!optional.contains(placeholder.group(1))) {
                    plan.append(line).append('\n'); // reported below
                }
                continue;
            }
            // "  - analysis: ${analysis}": the block goes below it, indented under the key.
            String stripped = line.stripLeading();
            int keyColumn = line.length() - stripped.length() + (stripped.startsWith("- ") ? 2 : 0);
            String indent = " ".repeat(keyColumn + 2);
            plan.append(line.substring(0, placeholder.start()).stripTrailing()).append('\n');
            for (String blockLine : fill(resource(block), values).split("\n")) {
                if (!blockLine.isBlank() && !blockLine.startsWith("#")) {
                    plan.append(indent).append(blockLine).append('\n');
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
