package io.jenkins.plugins.progressivedelivery.engine.audit;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Draws a rollout's audit events as one self-contained SVG: the new version's share of traffic over time as a step
 * line (the canary's weight, or the new colour's share of production in a blue-green switch: 0, then 100 at the
 * switch, 0 again at a switch back), each metric's measurements against its threshold, and markers where verdicts,
 * promotion, abort and rollback happened.
 *
 * <p>The output is plain markup with presentation attributes only: no script, no {@code style} element or
 * attribute, no external reference. That is what lets the Jenkins plugin inline it in the build page under
 * Jenkins' Content-Security-Policy, and the CLI put it in a report that opens from disk. Hovering a point or a
 * marker shows its details through SVG {@code <title>} tooltips, which need no script either.
 *
 * <p>What the chart reads from the events (every other event only stretches the time axis):
 * <ul>
 *   <li>{@link AuditAction#WEIGHT}, and {@link AuditAction#ROLLBACK} with detail {@value #CHANGE} {@code weight}
 *       or a {@value #CANARY_WEIGHT}: the canary's weight after the change, from detail {@value #CANARY_WEIGHT},
 *       or else from {@code after} written as {@code "..., canary 30"}. Before the first weight change the
 *       canary's weight is read from that event's {@code before} the same way, else taken as 0. What the weight is
 *       the share of is named after the first weight change: {@code canary} when its text mentions the canary,
 *       else the colour it names: a Service selector's value ({@code slot=blue -> slot=green} at weight 100 names
 *       green, at weight 0 the colour it left), or in a weight list ({@code blue 0, green 100}) the one whose
 *       weight it is.</li>
 *   <li>{@link AuditAction#MEASUREMENT}: details {@value #METRIC} (the metric's name), {@value #VALUE} (as
 *       {@code MetricValue} prints it: {@code [0.012]}, {@code 0.5}, {@code []}; the first number is drawn),
 *       {@value #PHASE} (the measurement's phase, any case) and, when the condition is a simple comparison,
 *       {@value #THRESHOLD} (a number, drawn as a dashed line).</li>
 *   <li>{@link AuditAction#VERDICT}, {@link AuditAction#PROMOTE}, {@link AuditAction#ABORT},
 *       {@link AuditAction#ROLLBACK}, {@link AuditAction#COMPLETE}: vertical markers; a verdict is coloured by
 *       detail {@value #PHASE} or else by {@code after}. The verdict of a single metric (one with detail
 *       {@value #METRIC}) gets no marker: its measurements already show it, and the analysis' verdict follows.</li>
 * </ul>
 */
public final class TimelineChart {
    /** Detail of a {@link AuditAction#WEIGHT} event: the canary's percentage of traffic after the change. */
    public static final String CANARY_WEIGHT = "canaryWeight";
    /** Detail of a measurement or verdict event: the metric's name. */
    public static final String METRIC = "metric";
    /** Detail of a measurement event: the measured value as {@code MetricValue.toString()} writes it. */
    public static final String VALUE = "value";
    /** Detail of a measurement or verdict event: its phase ({@code Successful}, {@code Failed}, ...). */
    public static final String PHASE = "phase";
    /** Detail of a measurement event: the number its condition compares the value with, if it is that simple. */
    public static final String THRESHOLD = "threshold";
    /** Detail of a rollback event: which kind of change it is ({@code weight}, {@code scale}, {@code route}). */
    public static final String CHANGE = "change";

    public static final int DEFAULT_WIDTH = 900;
    public static final int DEFAULT_HEIGHT = 360;

    private static final String FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
    private static final String WEIGHT_COLOUR = "#1f6feb";
    private static final String AXIS_COLOUR = "#57606a";
    private static final String GRID_COLOUR = "#d8dee4";
    private static final String[] METRIC_COLOURS = {"#8250df", "#bc4c00", "#0a7ea4", "#bf3989", "#4d2d00", "#116329"};
    private static final String SUCCESS_COLOUR = "#1a7f37";
    private static final String FAILURE_COLOUR = "#cf222e";
    private static final String INCONCLUSIVE_COLOUR = "#bf8700";
    private static final String ERROR_COLOUR = "#6e7781";
    private static final double CHAR_WIDTH = 6.4;
    /** {@code slot=green}: a label selector's value. */
    private static final java.util.regex.Pattern SELECTOR_VALUE =
            java.util.regex.Pattern.compile("[A-Za-z0-9][\\w./-]*=([A-Za-z0-9][\\w.-]*)");
    /** {@code green 100} in {@code blue 0, green 100}. */
    private static final java.util.regex.Pattern NAMED_WEIGHT =
            java.util.regex.Pattern.compile("([A-Za-z][\\w.-]*)\\s+(\\d{1,3})\\b");
    private static final long[] TIME_STEPS_SECONDS =
            {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};

    private final int width;
    private final int height;
    private final double left = 58;
    private final double right;
    private double top = 62;
    private final double bottom;

    private TimelineChart(int width, int height) {
        this.width = width;
        this.height = height;
        this.right = width - 62;
        this.bottom = height - 44;
    }

    /** The chart at {@value #DEFAULT_WIDTH} x {@value #DEFAULT_HEIGHT}, scaling with its container. */
    public static String render(List<AuditEvent> events) {
        return render(events, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    public static String render(List<AuditEvent> events, int width, int height) {
        if (width < 300 || height < 200) {
            throw new IllegalArgumentException("the chart needs at least 300x200, not " + width + "x" + height);
        }
        return new TimelineChart(width, height).draw(Timeline.of(events));
    }

    private String draw(Timeline timeline) {
        StringBuilder svg = new StringBuilder(16_384);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"").append(escape(title(timeline))).append('"')
                .append(" font-family=\"").append(FONT).append("\" font-size=\"12\">");
        svg.append("<title>").append(escape(title(timeline))).append("</title>");
        svg.append("<rect x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" fill=\"#ffffff\"/>");
        if (timeline.isEmpty()) {
            text(svg, width / 2.0, height / 2.0, "middle", AXIS_COLOUR, "No rollout events to show");
            return svg.append("</svg>").toString();
        }
        // A legend that wraps pushes the plot down, so marker labels above the plot never run into it.
        top = 62 + 16 * (legendRows(timeline) - 1);
        Scale time = new Scale(0, timeline.durationSeconds(), left, right);
        Scale weight = new Scale(0, 100, bottom, top);
        Scale metric = metricScale(timeline);

        drawGridAndAxes(svg, timeline, time, weight, metric);
        drawWeight(svg, timeline, time, weight);
        drawThresholds(svg, timeline, metric);
        drawMeasurements(svg, timeline, time, metric);
        drawMarkers(svg, timeline, time);
        drawLegend(svg, timeline);
        return svg.append("</svg>").toString();
    }

    private Scale metricScale(Timeline timeline) {
        double max = 0;
        double min = 0;
        for (Point p : timeline.points) {
            if (p.value.isPresent()) {
                max = Math.max(max, p.value.getAsDouble());
                min = Math.min(min, p.value.getAsDouble());
            }
        }
        for (Threshold t : timeline.thresholds) {
            max = Math.max(max, t.value);
            min = Math.min(min, t.value);
        }
        double niceMin = min < 0 ? -niceCeiling(-min * 1.15) : 0;
        double headroom = max == min ? min + 1 : max + (max - min) * 0.15;
        // The top of the axis is a whole number of tick steps, so it gets a label like the ticks below it.
        double step = niceStep(headroom - niceMin, 4);
        double niceMax = niceMin + Math.ceil((headroom - niceMin) / step - 1e-9) * step;
        return new Scale(niceMin, niceMax, bottom, top);
    }

    private void drawGridAndAxes(StringBuilder svg, Timeline timeline, Scale time, Scale weight, Scale metric) {
        for (int pct = 0; pct <= 100; pct += 25) {
            double y = weight.map(pct);
            line(svg, left, y, right, y, GRID_COLOUR, 1, null);
            text(svg, left - 8, y + 4, "end", WEIGHT_COLOUR, pct + "%");
        }
        if (timeline.hasMetrics()) {
            double step = niceStep(metric.max - metric.min, 4);
            for (double v = metric.min; v <= metric.max + step / 1000; v += step) {
                text(svg, right + 8, metric.map(v) + 4, "start", AXIS_COLOUR, number(v));
            }
        }
        long total = Math.max(1, (long) Math.ceil(timeline.durationSeconds()));
        long tick = TIME_STEPS_SECONDS[TIME_STEPS_SECONDS.length - 1];
        for (long candidate : TIME_STEPS_SECONDS) {
            if (total / candidate <= 8) {
                tick = candidate;
                break;
            }
        }
        for (long s = 0; s <= timeline.durationSeconds(); s += tick) {
            double x = time.map(s);
            line(svg, x, top, x, bottom, GRID_COLOUR, 1, "2 4");
            line(svg, x, bottom, x, bottom + 4, AXIS_COLOUR, 1, null);
            text(svg, x, bottom + 17, "middle", AXIS_COLOUR, clock(s));
        }
        line(svg, left, bottom, right, bottom, AXIS_COLOUR, 1, null);
        line(svg, left, top, left, bottom, AXIS_COLOUR, 1, null);
        if (timeline.hasMetrics()) {
            line(svg, right, top, right, bottom, AXIS_COLOUR, 1, null);
        }
        text(svg, (left + right) / 2, height - 8, "middle", AXIS_COLOUR,
                "time since " + timeline.start.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " (m:ss)");
        verticalText(svg, 14, (top + bottom) / 2, WEIGHT_COLOUR, timeline.subject() + " traffic");
        if (timeline.hasMetrics()) {
            verticalText(svg, width - 8, (top + bottom) / 2, AXIS_COLOUR, "metric value");
        }
    }

    private void drawWeight(StringBuilder svg, Timeline timeline, Scale time, Scale weight) {
        StringBuilder points = new StringBuilder();
        double lastY = weight.map(timeline.initialWeight);
        appendPoint(points, time.map(0), lastY);
        for (WeightChange change : timeline.weights) {
            double x = time.map(change.atSeconds);
            double y = weight.map(change.weight);
            appendPoint(points, x, lastY);
            appendPoint(points, x, y);
            lastY = y;
        }
        appendPoint(points, time.map(timeline.durationSeconds()), lastY);
        String line = points.toString().trim();
        svg.append("<polygon points=\"").append(fmt(left)).append(',').append(fmt(bottom)).append(' ')
                .append(line).append(' ').append(fmt(time.map(timeline.durationSeconds()))).append(',')
                .append(fmt(bottom)).append("\" fill=\"").append(WEIGHT_COLOUR)
                .append("\" fill-opacity=\"0.10\" stroke=\"none\"/>");
        svg.append("<polyline class=\"canary-weight\" points=\"").append(line).append("\" fill=\"none\" stroke=\"")
                .append(WEIGHT_COLOUR).append("\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>");
        for (WeightChange change : timeline.weights) {
            double x = time.map(change.atSeconds);
            double y = weight.map(change.weight);
            svg.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y))
                    .append("\" r=\"3\" fill=\"").append(WEIGHT_COLOUR).append("\"><title>")
                    .append(escape(clock(change.atSeconds) + "  " + timeline.subject() + " " + change.weight + "%"
                            + (change.description.isEmpty() ? "" : "  " + change.description)))
                    .append("</title></circle>");
            if (y > top + 14) {
                haloText(svg, x + 4, y - 6, "start", WEIGHT_COLOUR, change.weight + "%");
            }
        }
    }

    private void drawThresholds(StringBuilder svg, Timeline timeline, Scale metric) {
        for (Threshold threshold : timeline.thresholds) {
            String colour = timeline.colourOf(threshold.metric);
            double y = metric.map(threshold.value);
            svg.append("<line x1=\"").append(fmt(left)).append("\" y1=\"").append(fmt(y)).append("\" x2=\"")
                    .append(fmt(right)).append("\" y2=\"").append(fmt(y)).append("\" stroke=\"").append(colour)
                    .append("\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"><title>")
                    .append(escape(threshold.metric + " threshold " + number(threshold.value)))
                    .append("</title></line>");
            haloText(svg, right - 4, y - 5, "end", colour, "threshold " + number(threshold.value));
        }
    }

    private void drawMeasurements(StringBuilder svg, Timeline timeline, Scale time, Scale metric) {
        for (String name : timeline.metricNames()) {
            String colour = timeline.colourOf(name);
            StringBuilder path = new StringBuilder();
            for (Point p : timeline.points) {
                if (p.metric.equals(name) && p.value.isPresent()) {
                    appendPoint(path, time.map(p.atSeconds), metric.map(p.value.getAsDouble()));
                }
            }
            if (path.length() > 0) {
                svg.append("<polyline points=\"").append(path.toString().trim()).append("\" fill=\"none\" stroke=\"")
                        .append(colour).append("\" stroke-width=\"1.5\" stroke-opacity=\"0.7\"/>");
            }
        }
        for (Point p : timeline.points) {
            double x = time.map(p.atSeconds);
            String tooltip = clock(p.atSeconds) + "  " + p.metric + " = " + p.rawValue
                    + (p.phase.isEmpty() ? "" : "  (" + p.phase + ")")
                    + (p.reason.isEmpty() ? "" : "  " + p.reason);
            if (p.value.isPresent()) {
                svg.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"")
                        .append(fmt(metric.map(p.value.getAsDouble()))).append("\" r=\"4.5\" fill=\"")
                        .append(phaseColour(p.phase)).append("\" stroke=\"").append(timeline.colourOf(p.metric))
                        .append("\" stroke-width=\"1.5\"><title>").append(escape(tooltip))
                        .append("</title></circle>");
            } else {
                // No value (an error, or no series): a cross on the time axis, so a gap is never read as zero.
                double y = bottom - 7;
                svg.append("<path d=\"M").append(fmt(x - 4)).append(',').append(fmt(y - 4)).append(" L")
                        .append(fmt(x + 4)).append(',').append(fmt(y + 4)).append(" M").append(fmt(x - 4))
                        .append(',').append(fmt(y + 4)).append(" L").append(fmt(x + 4)).append(',')
                        .append(fmt(y - 4)).append("\" stroke=\"").append(phaseColour(p.phase))
                        .append("\" stroke-width=\"2\" fill=\"none\"><title>").append(escape(tooltip))
                        .append("</title></path>");
            }
        }
    }

    private void drawMarkers(StringBuilder svg, Timeline timeline, Scale time) {
        for (Marker marker : timeline.markers) {
            double x = time.map(marker.atSeconds);
            svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(fmt(top)).append("\" x2=\"")
                    .append(fmt(x)).append("\" y2=\"").append(fmt(bottom)).append("\" stroke=\"")
                    .append(marker.colour).append("\" stroke-width=\"1.5\" stroke-opacity=\"0.8\"><title>")
                    .append(escape(clock(marker.atSeconds) + "  " + marker.tooltip)).append("</title></line>");
        }
        // Up to three rows of labels above the plot, each row a list of the spans its labels take. The outcome's
        // label is placed first, so that a burst of markers before it can never crowd it out.
        List<List<double[]>> rows = new ArrayList<>();
        for (Marker marker : timeline.markers) {
            if (marker.outcome) {
                label(svg, rows, marker, time.map(marker.atSeconds));
            }
        }
        double lastX = Double.NEGATIVE_INFINITY;
        String lastLabel = null;
        for (Marker marker : timeline.markers) {
            double x = time.map(marker.atSeconds);
            // Markers of one burst (say, the rollback's actions) share a label.
            if (marker.outcome || marker.label.equals(lastLabel) && x - lastX < 40) {
                continue;
            }
            lastX = x;
            lastLabel = marker.label;
            label(svg, rows, marker, x);
        }
    }

    /** The marker's label in the first row where it overlaps no other, if any of the three has room. */
    private void label(StringBuilder svg, List<List<double[]>> rows, Marker marker, double x) {
        double labelWidth = marker.label.length() * CHAR_WIDTH + 8;
        // Near the right edge the label goes to the left of its marker, so it is not cut off.
        boolean leftOfMarker = x + labelWidth > width - 4;
        double labelStart = leftOfMarker ? x - labelWidth : x;
        double labelEnd = labelStart + labelWidth;
        int row = 0;
        while (row < rows.size() && rows.get(row).stream()
                .anyMatch(span -> labelStart < span[1] + 2 && span[0] < labelEnd + 2)) {
            row++;
        }
        if (row > 2) {
            return;
        }
        if (row == rows.size()) {
            rows.add(new ArrayList<>());
        }
        rows.get(row).add(new double[] {labelStart, labelEnd});
        double y = top - 6 - row * 14;
        svg.append("<path d=\"M").append(fmt(x - 4)).append(',').append(fmt(top - 5)).append(" L")
                .append(fmt(x + 4)).append(',').append(fmt(top - 5)).append(" L").append(fmt(x)).append(',')
                .append(fmt(top)).append(" Z\" fill=\"").append(marker.colour).append("\"/>");
        svg.append("<g><title>").append(escape(clock(marker.atSeconds) + "  " + marker.tooltip))
                .append("</title><text x=\"").append(fmt(leftOfMarker ? x - 5 : x + 5)).append("\" y=\"")
                .append(fmt(y - 2)).append("\" text-anchor=\"").append(leftOfMarker ? "end" : "start")
                .append("\" font-size=\"11\" font-weight=\"600\" fill=\"")
                .append(marker.colour).append("\">").append(escape(marker.label)).append("</text></g>");
    }

    private int legendRows(Timeline timeline) {
        int rows = 1;
        double x = left;
        for (String[] item : legendItems(timeline)) {
            double itemWidth = legendItemWidth(item);
            if (x + itemWidth > width - 8) {
                x = left;
                rows++;
            }
            x += itemWidth;
        }
        return rows;
    }

    private static double legendItemWidth(String[] item) {
        return 22 + item[2].length() * CHAR_WIDTH + 14;
    }

    private static List<String[]> legendItems(Timeline timeline) {
        List<String[]> items = new ArrayList<>();
        items.add(new String[] {"weight", WEIGHT_COLOUR, timeline.subject() + " traffic %"});
        for (String name : timeline.metricNames()) {
            items.add(new String[] {"metric", timeline.colourOf(name), name});
        }
        if (!timeline.thresholds.isEmpty()) {
            items.add(new String[] {"threshold", AXIS_COLOUR, "threshold"});
        }
        if (!timeline.points.isEmpty()) {
            items.add(new String[] {"dot", SUCCESS_COLOUR, "successful"});
            items.add(new String[] {"dot", FAILURE_COLOUR, "failed"});
            items.add(new String[] {"dot", INCONCLUSIVE_COLOUR, "inconclusive"});
            items.add(new String[] {"cross", ERROR_COLOUR, "error / no data"});
        }
        return items;
    }

    private void drawLegend(StringBuilder svg, Timeline timeline) {
        double x = left;
        double y = 14;
        for (String[] item : legendItems(timeline)) {
            double itemWidth = legendItemWidth(item);
            if (x + itemWidth > width - 8) {
                x = left;
                y += 16;
            }
            switch (item[0]) {
                case "weight" -> line(svg, x, y, x + 16, y, item[1], 2.5, null);
                case "metric" -> {
                    line(svg, x, y, x + 16, y, item[1], 1.5, null);
                    svg.append("<circle cx=\"").append(fmt(x + 8)).append("\" cy=\"").append(fmt(y))
                            .append("\" r=\"3.5\" fill=\"#ffffff\" stroke=\"").append(item[1])
                            .append("\" stroke-width=\"1.5\"/>");
                }
                case "threshold" -> line(svg, x, y, x + 16, y, item[1], 1.5, "6 4");
                case "dot" -> svg.append("<circle cx=\"").append(fmt(x + 8)).append("\" cy=\"").append(fmt(y))
                        .append("\" r=\"4.5\" fill=\"").append(item[1]).append("\"/>");
                default -> svg.append("<path d=\"M").append(fmt(x + 4)).append(',').append(fmt(y - 4))
                        .append(" L").append(fmt(x + 12)).append(',').append(fmt(y + 4)).append(" M")
                        .append(fmt(x + 4)).append(',').append(fmt(y + 4)).append(" L").append(fmt(x + 12))
                        .append(',').append(fmt(y - 4)).append("\" stroke=\"").append(item[1])
                        .append("\" stroke-width=\"2\" fill=\"none\"/>");
            }
            text(svg, x + 22, y + 4, "start", "#24292f", item[2]);
            x += itemWidth;
        }
    }

    // --- the events, reduced to what is drawn -------------------------------------------------------------------

    /** The events as the chart sees them, in seconds since the first event. */
    private static final class Timeline {
        final Instant start;
        final double duration;
        final int initialWeight;
        final List<WeightChange> weights = new ArrayList<>();
        final List<Point> points = new ArrayList<>();
        final List<Threshold> thresholds = new ArrayList<>();
        final List<Marker> markers = new ArrayList<>();
        final Map<String, String> colours = new LinkedHashMap<>();
        /** What the weight is the share of: {@code canary}, or a blue-green switch's new colour. */
        String subject;

        private Timeline(Instant start, double duration, int initialWeight) {
            this.start = start;
            this.duration = duration;
            this.initialWeight = initialWeight;
        }

        static Timeline of(List<AuditEvent> events) {
            if (events.isEmpty()) {
                return new Timeline(Instant.EPOCH, 0, 0);
            }
            Instant first = events.get(0).time();
            Instant last = first;
            Integer initial = null;
            for (AuditEvent e : events) {
                first = e.time().isBefore(first) ? e.time() : first;
                last = e.time().isAfter(last) ? e.time() : last;
                if (initial == null && isWeightChange(e)) {
                    initial = canaryWeightIn(e.before());
                    initial = initial == null ? 0 : initial;
                }
            }
            Timeline t = new Timeline(first, Math.max(1, seconds(first, last)), initial == null ? 0 : initial);
            for (AuditEvent e : events) {
                t.add(e);
            }
            return t;
        }

        private void add(AuditEvent e) {
            double at = seconds(start, e.time());
            Map<String, String> d = e.details();
            if (isWeightChange(e)) {
                Integer w = parseInt(d.get(CANARY_WEIGHT));
                if (w == null) {
                    w = canaryWeightIn(e.after());
                }
                if (w != null) {
                    weights.add(new WeightChange(at, Math.max(0, Math.min(100, w)), nonNull(e.reason())));
                    subject = subject == null ? subjectOf(e, w) : subject;
                }
            }
            switch (e.action()) {
                case MEASUREMENT -> {
                    String metric = d.getOrDefault(METRIC, nonNull(e.resource()));
                    colours.computeIfAbsent(metric, m -> METRIC_COLOURS[colours.size() % METRIC_COLOURS.length]);
                    String raw = d.getOrDefault(VALUE, nonNull(e.after()));
                    points.add(new Point(at, metric, firstNumber(raw), raw, nonNull(d.get(PHASE)),
                            nonNull(e.reason())));
                    Double threshold = parseDouble(d.get(THRESHOLD));
                    if (threshold != null && !Double.isNaN(threshold) && !Double.isInfinite(threshold)
                            && thresholds.stream().noneMatch(x -> x.metric.equals(metric) && x.value == threshold)) {
                        thresholds.add(new Threshold(metric, threshold));
                    }
                }
                case VERDICT -> {
                    if (!d.containsKey(METRIC)) {
                        String phase = d.getOrDefault(PHASE, nonNull(e.after()));
                        markers.add(new Marker(at, phaseLabel(phase), phaseColour(phase), describe(e)));
                    }
                }
                case PROMOTE -> markers.add(new Marker(at, "promote", SUCCESS_COLOUR, describe(e)));
                case ABORT -> markers.add(new Marker(at, "abort", FAILURE_COLOUR, describe(e)));
                case ROLLBACK -> markers.add(new Marker(at, "rollback", FAILURE_COLOUR, describe(e)));
                case COMPLETE -> {
                    String outcome = nonNull(e.after()).toLowerCase(Locale.ROOT).replace('_', ' ');
                    String colour = outcome.contains("promot") ? SUCCESS_COLOUR
                            : outcome.contains("roll") || outcome.contains("abort") || outcome.contains("fail")
                            ? FAILURE_COLOUR : AXIS_COLOUR;
                    markers.add(new Marker(at, outcome.isEmpty() ? "complete" : outcome, colour, describe(e), true));
                }
                default -> { }
            }
        }

        boolean isEmpty() {
            return duration == 0;
        }

        String subject() {
            return subject == null ? "canary" : subject;
        }

        double durationSeconds() {
            return duration;
        }

        boolean hasMetrics() {
            return !points.isEmpty() || !thresholds.isEmpty();
        }

        List<String> metricNames() {
            return new ArrayList<>(colours.keySet());
        }

        String colourOf(String metric) {
            return colours.getOrDefault(metric, METRIC_COLOURS[0]);
        }
    }

    private record WeightChange(double atSeconds, int weight, String description) { }

    private record Point(double atSeconds, String metric, OptionalDouble value, String rawValue, String phase,
                         String reason) { }

    private record Threshold(String metric, double value) { }

    /** A vertical line with a label; {@code outcome} for the rollout's end, whose label always has a place. */
    private record Marker(double atSeconds, String label, String colour, String tooltip, boolean outcome) {
        Marker(double atSeconds, String label, String colour, String tooltip) {
            this(atSeconds, label, colour, tooltip, false);
        }
    }

    /** A linear map from data to pixels. */
    private record Scale(double min, double max, double from, double to) {
        double map(double value) {
            double clamped = Math.max(min, Math.min(max, value));
            return from + (clamped - min) / (max - min) * (to - from);
        }
    }

    // --- small pure helpers -------------------------------------------------------------------------------------

    private static boolean isWeightChange(AuditEvent e) {
        return e.action() == AuditAction.WEIGHT
                || e.action() == AuditAction.ROLLBACK
                && (e.details().containsKey(CANARY_WEIGHT) || "weight".equals(e.details().get(CHANGE)));
    }

    /** What a weight change's weight is the share of: see the class comment. */
    static String subjectOf(AuditEvent e, int weight) {
        String after = nonNull(e.after());
        String before = nonNull(e.before());
        if ((before + " " + after).toLowerCase(Locale.ROOT).contains("canary")) {
            return "canary";
        }
        java.util.regex.Matcher selector = SELECTOR_VALUE.matcher(weight == 0 ? before : after);
        if ((weight == 0 || weight == 100) && selector.find()) {
            return selector.group(1);
        }
        java.util.regex.Matcher named = NAMED_WEIGHT.matcher(after);
        while (named.find()) {
            if (Integer.parseInt(named.group(2)) == weight) {
                return named.group(1);
            }
        }
        return "canary";
    }

    private static String title(Timeline timeline) {
        String subject = timeline.subject();
        return subject.substring(0, 1).toUpperCase(Locale.ROOT) + subject.substring(1)
                + " traffic weight and analysis measurements over time";
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    /** The canary's weight in a router description such as {@code "stable 70, canary 30"}. */
    static Integer canaryWeightIn(String text) {
        if (text == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("canary\\D{0,3}?(\\d{1,3})\\b")
                .matcher(text.toLowerCase(Locale.ROOT));
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    static OptionalDouble firstNumber(String text) {
        if (text == null) {
            return OptionalDouble.empty();
        }
        for (String token : text.split("[\\s,\\[\\]()]+")) {
            Double value = parseDouble(token);
            if (value != null && !value.isNaN() && !value.isInfinite()) {
                return OptionalDouble.of(value);
            }
        }
        return OptionalDouble.empty();
    }

    private static Double parseDouble(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer parseInt(String text) {
        Double value = parseDouble(text);
        return value == null || value.isNaN() ? null : (int) Math.round(value);
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }

    private static String describe(AuditEvent e) {
        return e.toLogLine();
    }

    private static String phaseLabel(String phase) {
        String p = nonNull(phase).trim();
        return p.isEmpty() ? "verdict" : p.substring(0, 1).toUpperCase(Locale.ROOT)
                + p.substring(1).toLowerCase(Locale.ROOT);
    }

    private static String phaseColour(String phase) {
        String p = nonNull(phase).toLowerCase(Locale.ROOT);
        if (p.startsWith("success")) {
            return SUCCESS_COLOUR;
        }
        if (p.startsWith("fail")) {
            return FAILURE_COLOUR;
        }
        if (p.startsWith("inconclusive")) {
            return INCONCLUSIVE_COLOUR;
        }
        return ERROR_COLOUR;
    }

    /** {@code 0:00}, {@code 1:30}, {@code 12:05}, {@code 1:02:03}. */
    static String clock(double seconds) {
        long total = Math.round(seconds);
        long h = total / 3600;
        long m = total % 3600 / 60;
        long s = total % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
                : String.format(Locale.ROOT, "%d:%02d", m, s);
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code value}. */
    static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double factor : new double[] {1, 2, 2.5, 5, 10}) {
            if (factor * magnitude >= value * (1 - 1e-9)) {
                return factor * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static double niceStep(double range, int targetTicks) {
        double rough = range / targetTicks;
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double factor : new double[] {1, 2, 2.5, 5, 10}) {
            if (factor * magnitude >= rough * (1 - 1e-9)) {
                return factor * magnitude;
            }
        }
        return 10 * magnitude;
    }

    /** A label for an axis tick: as few digits as the value needs, never scientific. */
    static String number(double value) {
        if (Math.abs(value) < 1e-12) {
            return "0";
        }
        return new BigDecimal(value).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static void appendPoint(StringBuilder points, double x, double y) {
        points.append(fmt(x)).append(',').append(fmt(y)).append(' ');
    }

    private static void line(StringBuilder svg, double x1, double y1, double x2, double y2, String colour,
                             double strokeWidth, String dash) {
        svg.append("<line x1=\"").append(fmt(x1)).append("\" y1=\"").append(fmt(y1)).append("\" x2=\"")
                .append(fmt(x2)).append("\" y2=\"").append(fmt(y2)).append("\" stroke=\"").append(colour)
                .append("\" stroke-width=\"").append(strokeWidth).append('"');
        if (dash != null) {
            svg.append(" stroke-dasharray=\"").append(dash).append('"');
        }
        svg.append("/>");
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, String colour, String content) {
        svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" text-anchor=\"")
                .append(anchor).append("\" fill=\"").append(colour).append("\">").append(escape(content))
                .append("</text>");
    }

    /** A label over the plot, with a white halo so lines behind it do not cross it out. */
    private static void haloText(StringBuilder svg, double x, double y, String anchor, String colour,
                                 String content) {
        svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" text-anchor=\"")
                .append(anchor).append("\" fill=\"").append(colour)
                .append("\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">")
                .append(escape(content)).append("</text>");
    }

    private static void verticalText(StringBuilder svg, double x, double y, String colour, String content) {
        svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y))
                .append("\" text-anchor=\"middle\" fill=\"").append(colour).append("\" transform=\"rotate(-90 ")
                .append(fmt(x)).append(' ').append(fmt(y)).append(")\">").append(escape(content)).append("</text>");
    }

    /**
     * Escapes text for XML and HTML content and double- or single-quoted attributes; replaces characters XML forbids.
     * Public so that pages embedding the chart escape their own text the same way.
     */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                                && Character.isLowSurrogate(text.charAt(i + 1)))
                                && !(Character.isLowSurrogate(c) && i > 0
                                && Character.isHighSurrogate(text.charAt(i - 1)))) {
                            out.append('\uFFFD');
                        } else if (c != '\uFFFE' && c != '\uFFFF') {
                            out.append(c);
                        }
                    }
                }
            }
        }
        return out.toString();
    }
}
