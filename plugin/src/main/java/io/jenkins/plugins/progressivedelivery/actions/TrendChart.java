package io.jenkins.plugins.progressivedelivery.actions;

import io.jenkins.plugins.progressivedelivery.engine.audit.TimelineChart;
import java.time.Duration;
import java.util.List;

/**
 * A target's recent rollouts as one small self-contained SVG, drawn on the server as the record's timeline is: one bar
 * per finished rollout, oldest first, its height the lead time of a promoted one (green), a full-height red bar for
 * one that ended rolled back, aborted or failed. No script, no style element, tooltips as SVG {@code <title>}.
 */
public final class TrendChart {
    private static final int WIDTH = 360;
    private static final int HEIGHT = 60;
    private static final int BAR = 10;

    private TrendChart() {
    }

    /** @param bars oldest first: the lead time of a promoted rollout, or null for one that was not promoted */
    public static String render(String target, List<Duration> bars) {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\"><title>").append(TimelineChart.escape("Recent rollouts of " + target))
                .append("</title>");
        svg.append("<line x1=\"0\" y1=\"").append(HEIGHT - 1).append("\" x2=\"").append(WIDTH).append("\" y2=\"")
                .append(HEIGHT - 1).append("\" stroke=\"#888\" stroke-width=\"1\"/>");
        long longest = bars.stream().filter(d -> d != null).mapToLong(Duration::toSeconds).max().orElse(1);
        int shown = Math.min(bars.size(), WIDTH / (BAR + 2));
        List<Duration> recent = bars.subList(bars.size() - shown, bars.size());
        for (int i = 0; i < recent.size(); i++) {
            Duration lead = recent.get(i);
            int height = lead == null ? HEIGHT - 2
                    : (int) Math.max(2, (HEIGHT - 2) * lead.toSeconds() / (double) Math.max(1, longest));
            int x = i * (BAR + 2);
            svg.append("<rect x=\"").append(x).append("\" y=\"").append(HEIGHT - 1 - height).append("\" width=\"")
                    .append(BAR).append("\" height=\"").append(height).append("\" fill=\"")
                    .append(lead == null ? "#d24939" : "#138347").append("\"><title>")
                    .append(TimelineChart.escape(lead == null ? "not promoted"
                            : "promoted, lead time " + DeploymentsAction.format(lead)))
                    .append("</title></rect>");
        }
        return svg.append("</svg>").toString();
    }
}
