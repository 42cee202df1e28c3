package io.jenkins.plugins.progressivedelivery.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class TimelineChartTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String NASTY_METRIC = "error<ratio> & \"5xx\" 'p99'";

    private static AuditEvent.Builder at(int second, AuditAction action) {
        return AuditEvent.at(T0.plusSeconds(second), action);
    }

    /** A canary that goes to 10 % and 30 %, fails its analysis there and is rolled back to 0 %. */
    private static List<AuditEvent> failedCanary() {
        List<AuditEvent> events = new ArrayList<>();
        events.add(at(0, AuditAction.START).resource("deployment/demo/web").after("web:3.0").build());
        events.add(at(2, AuditAction.WEIGHT).resource("virtualservice/demo/web route primary")
                .change("stable 100, canary 0", "stable 90, canary 10").detail(TimelineChart.CANARY_WEIGHT, 10)
                .build());
        events.add(measurement(12, "[0.011]", "Successful"));
        events.add(at(20, AuditAction.WEIGHT).resource("virtualservice/demo/web route primary")
                .change("stable 90, canary 10", "stable 70, canary 30").detail(TimelineChart.CANARY_WEIGHT, 30)
                .build());
        events.add(measurement(30, "[0.16]", "Failed"));
        events.add(at(33, AuditAction.MEASUREMENT).detail(TimelineChart.METRIC, NASTY_METRIC)
                .detail(TimelineChart.PHASE, "Error").reason("Prometheus answered 503 <html>").build());
        events.add(at(34, AuditAction.VERDICT).resource("metric " + NASTY_METRIC).after("Failed")
                .detail(TimelineChart.METRIC, NASTY_METRIC).build());
        events.add(at(34, AuditAction.VERDICT).resource("analysis canary-health").after("Failed").build());
        events.add(at(35, AuditAction.ABORT).reason("analysis canary-health Failed").build());
        // As the runner reports a rollback's weight change; without a canaryWeight detail the chart reads 'after'.
        events.add(at(36, AuditAction.ROLLBACK).resource("virtualservice/demo/web route primary")
                .change("stable 70, canary 30", "stable 100, canary 0").detail(TimelineChart.CHANGE, "weight")
                .build());
        events.add(at(41, AuditAction.ROLLBACK).resource("deployment/demo/web-canary").change("replicas 2", "replicas 0")
                .detail(TimelineChart.CHANGE, "scale").build());
        events.add(at(42, AuditAction.COMPLETE).after("ROLLED_BACK").build());
        return events;
    }

    private static AuditEvent measurement(int second, String value, String phase) {
        return at(second, AuditAction.MEASUREMENT).resource("analysis canary-health")
                .detail(TimelineChart.METRIC, NASTY_METRIC).detail(TimelineChart.VALUE, value)
                .detail(TimelineChart.PHASE, phase).detail(TimelineChart.THRESHOLD, "0.05").build();
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }

    private static List<String> texts(Document doc, String tag) {
        NodeList nodes = doc.getElementsByTagNameNS("*", tag);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }

    @Test
    void isSelfContainedSvgWithoutScriptOrStyles() throws Exception {
        String svg = TimelineChart.render(failedCanary());

        Document doc = parse(svg);
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(doc.getDocumentElement().getAttribute("viewBox")).isEqualTo("0 0 900 360");
        // Jenkins' Content-Security-Policy blocks inline scripts and style attributes; presentation attributes pass.
        assertThat(svg).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("style=")
                .doesNotContainIgnoringCase("<style").doesNotContainIgnoringCase("href")
                .doesNotContainIgnoringCase("onmouse").doesNotContainIgnoringCase("javascript:");
    }

    /** The weight line's points, as x,y pairs. */
    private static List<double[]> weightLine(Document doc) {
        Element line = null;
        NodeList polylines = doc.getElementsByTagNameNS("*", "polyline");
        for (int i = 0; i < polylines.getLength(); i++) {
            Element candidate = (Element) polylines.item(i);
            if (candidate.getAttribute("class").equals("canary-weight")) {
                line = candidate;
            }
        }
        assertThat(line).as("the weight line").isNotNull();
        List<double[]> points = new ArrayList<>();
        for (String pair : line.getAttribute("points").trim().split("\\s+")) {
            String[] xy = pair.split(",");
            points.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
        }
        // A step, not a ramp: every change of level happens at one x.
        for (int i = 1; i < points.size(); i++) {
            if (points.get(i)[1] != points.get(i - 1)[1]) {
                assertThat(points.get(i)[0]).isEqualTo(points.get(i - 1)[0]);
            }
        }
        return points;
    }

    /** The y of each level the weight line goes through, in order. */
    private static List<Double> levels(List<double[]> points) {
        List<Double> levels = new ArrayList<>();
        for (double[] point : points) {
            if (levels.isEmpty() || levels.get(levels.size() - 1) != point[1]) {
                levels.add(point[1]);
            }
        }
        return levels;
    }

    @Test
    void drawsTheCanaryWeightAsStepsUpAndBackToZero() throws Exception {
        Document doc = parse(TimelineChart.render(failedCanary()));

        List<Double> levels = levels(weightLine(doc));
        // 0 % -> 10 % -> 30 % -> 0 %: SVG y grows downwards, and 30 % is three times as high as 10 %.
        assertThat(levels).hasSize(4);
        double zero = levels.get(0);
        double ten = levels.get(1);
        double thirty = levels.get(2);
        assertThat(levels.get(3)).isEqualTo(zero);
        assertThat(ten).isLessThan(zero);
        assertThat(zero - thirty).isCloseTo(3 * (zero - ten), org.assertj.core.data.Offset.offset(0.3));
        assertThat(texts(doc, "title")).anyMatch(t -> t.contains("canary 10%"))
                .anyMatch(t -> t.contains("canary 30%")).anyMatch(t -> t.contains("canary 0%"));
        assertThat(texts(doc, "text")).contains("canary traffic", "canary traffic %");
    }

    /**
     * A blue-green switch to green by the active Service's selector, as the runner reports it, whose post-promotion
     * analysis fails: switched back 10 s later, the new colour scaled down 5 s after that.
     */
    private static List<AuditEvent> switchedBack(String switchBefore, String switchAfter) {
        return switchedBack(switchBefore, switchAfter, 35);
    }

    private static List<AuditEvent> switchedBack(String switchBefore, String switchAfter, int cleanUpSecond) {
        String route = "service/demo/pay";
        return List.of(
                at(0, AuditAction.START).resource(route).after("blue-green: pay -> pay:3.0 on the idle colour")
                        .build(),
                at(1, AuditAction.SCALE).resource("deployment/demo/pay-green").change("absent", "replicas 4")
                        .detail(TimelineChart.CHANGE, "scale").build(),
                at(3, AuditAction.ROUTE).resource("service/demo/pay-preview").change("slot=blue", "slot=green")
                        .detail(TimelineChart.CHANGE, "route").build(),
                at(20, AuditAction.PROMOTE).resource(route).after("switch production to green").build(),
                at(20, AuditAction.WEIGHT).resource(route).change(switchBefore, switchAfter)
                        .detail(TimelineChart.CHANGE, "weight").detail(TimelineChart.CANARY_WEIGHT, 100).build(),
                at(30, AuditAction.VERDICT).resource("analysis post-promotion").after("Failed").build(),
                at(30, AuditAction.ROLLBACK).resource(route).after("switching production back to blue").build(),
                at(30, AuditAction.ROLLBACK).resource(route).change(switchAfter, switchBefore)
                        .detail(TimelineChart.CHANGE, "weight").detail(TimelineChart.CANARY_WEIGHT, 0).build(),
                at(cleanUpSecond, AuditAction.ROLLBACK).resource("deployment/demo/pay-green")
                        .change("replicas 4", "replicas 0").detail(TimelineChart.CHANGE, "scale").build(),
                at(cleanUpSecond, AuditAction.COMPLETE).resource(route).after("ROLLED_BACK").build());
    }

    @Test
    void drawsABlueGreenSwitchAndSwitchBackAsAStepOfTheNewColoursShare() throws Exception {
        Document doc = parse(TimelineChart.render(switchedBack("slot=blue", "slot=green")));

        List<double[]> points = weightLine(doc);
        List<Double> levels = levels(points);
        // 0 % until the switch at 0:20, 100 % until the switch back at 0:30, 0 % again.
        assertThat(levels).hasSize(3);
        assertThat(levels.get(2)).isEqualTo(levels.get(0));
        assertThat(levels.get(0) - levels.get(1)).as("a full-height step").isGreaterThan(200);
        double switchX = points.stream().filter(p -> p[1] == levels.get(1)).mapToDouble(p -> p[0]).min()
                .orElseThrow();
        double backX = points.stream().filter(p -> p[1] == levels.get(1)).mapToDouble(p -> p[0]).max()
                .orElseThrow();
        double secondWidth = (points.get(points.size() - 1)[0] - points.get(0)[0]) / 35;
        assertThat(backX - switchX).isCloseTo(10 * secondWidth, org.assertj.core.data.Offset.offset(0.2));
        assertThat(texts(doc, "text")).contains("green traffic", "green traffic %", "promote", "rollback")
                .doesNotContain("canary traffic");
        assertThat(texts(doc, "title")).anyMatch(t -> t.contains("green 100%")).anyMatch(t -> t.contains("green 0%"))
                .anyMatch(t -> t.startsWith("Green traffic weight"));
    }

    @Test
    void theOutcomeKeepsItsLabelWhenMarkersCrowdTheEnd() throws Exception {
        // Verdict, switch back, clean-up and outcome within two seconds at the right edge: more labels than rows.
        List<String> labels = texts(parse(TimelineChart.render(switchedBack("slot=blue", "slot=green", 32))), "text");

        assertThat(labels).contains("rolled back", "Failed", "promote");
    }

    @Test
    void namesTheNewColourOfAnIstioSwitchFromItsWeights() throws Exception {
        Document doc = parse(TimelineChart.render(switchedBack("blue 100, green 0", "blue 0, green 100")));

        assertThat(levels(weightLine(doc))).hasSize(3);
        assertThat(texts(doc, "text")).contains("green traffic");
        assertThat(TimelineChart.subjectOf(at(0, AuditAction.ROLLBACK).change("slot=green", "slot=blue").build(), 0))
                .as("switched back: the colour production left").isEqualTo("green");
        assertThat(TimelineChart.subjectOf(at(0, AuditAction.WEIGHT).build(), 10)).isEqualTo("canary");
    }

    @Test
    void drawsMeasurementsAgainstTheThresholdWithTheirPhases() throws Exception {
        Document doc = parse(TimelineChart.render(failedCanary()));

        List<String> titles = texts(doc, "title");
        assertThat(titles).anyMatch(t -> t.contains(NASTY_METRIC + " = [0.011]") && t.contains("(Successful)"))
                .anyMatch(t -> t.contains(NASTY_METRIC + " = [0.16]") && t.contains("(Failed)"))
                .anyMatch(t -> t.contains("(Error)") && t.contains("Prometheus answered 503 <html>"))
                .anyMatch(t -> t.contains(NASTY_METRIC + " threshold 0.05"));
        assertThat(texts(doc, "text")).contains("threshold 0.05", NASTY_METRIC, "Failed", "abort", "rollback",
                "rolled back");
        // The metric's own verdict is in its points; only the analysis' verdict gets a marker.
        assertThat(texts(doc, "text")).doesNotContain(NASTY_METRIC + ": Failed").containsOnlyOnce("Failed");
    }

    @Test
    void escapesNamesInTextAndAttributes() {
        String svg = TimelineChart.render(failedCanary());

        assertThat(svg).contains("error&lt;ratio&gt; &amp; &quot;5xx&quot; &#39;p99&#39;")
                .doesNotContain(NASTY_METRIC).doesNotContain("503 <html>");
        assertThat(TimelineChart.escape("a\u0000b\u0007c")).isEqualTo("abc");
    }

    @Test
    void labelsTheTimeAxisFromTheFirstEvent() throws Exception {
        List<String> labels = texts(parse(TimelineChart.render(failedCanary())), "text");

        assertThat(labels).contains("0:00", "0:10", "0:20", "0:30", "0:40")
                .anyMatch(t -> t.startsWith("time since 2026-03-01T10:00:00Z"));
    }

    @Test
    void anEmptyTrailIsAValidChartSayingSo() throws Exception {
        Document doc = parse(TimelineChart.render(List.of()));

        assertThat(texts(doc, "text")).containsExactly("No rollout events to show");
    }

    @Test
    void aPromotionWithoutAnalysisHasNoMetricAxis() throws Exception {
        List<AuditEvent> events = List.of(
                at(0, AuditAction.WEIGHT).change("stable 100, canary 0", "stable 50, canary 50").build(),
                at(90, AuditAction.PROMOTE).actor("alice").build(),
                at(95, AuditAction.WEIGHT).change("stable 50, canary 50", "stable 100, canary 0").build(),
                at(100, AuditAction.COMPLETE).after("PROMOTED").build());

        Document doc = parse(TimelineChart.render(events));

        assertThat(texts(doc, "text")).contains("promote", "promoted", "50%", "1:00")
                .doesNotContain("metric value", "threshold");
    }

    @Test
    void refusesASizeTooSmallToRead() {
        assertThatThrownBy(() -> TimelineChart.render(List.of(), 100, 50))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300x200");
    }

    @Test
    void readsNumbersTheWayMetricValuesPrintThem() {
        assertThat(TimelineChart.firstNumber("[0.25, 0.5]")).hasValue(0.25);
        assertThat(TimelineChart.firstNumber("0.5")).hasValue(0.5);
        assertThat(TimelineChart.firstNumber("[]")).isEmpty();
        assertThat(TimelineChart.firstNumber("[NaN]")).isEmpty();
        assertThat(TimelineChart.canaryWeightIn("stable 95, canary 5")).isEqualTo(5);
        assertThat(TimelineChart.canaryWeightIn("canary=40%")).isEqualTo(40);
        assertThat(TimelineChart.number(0.05)).isEqualTo("0.05");
        assertThat(TimelineChart.number(0.30000000000000004)).isEqualTo("0.3");
        assertThat(TimelineChart.clock(3725)).isEqualTo("1:02:05");
    }
}
