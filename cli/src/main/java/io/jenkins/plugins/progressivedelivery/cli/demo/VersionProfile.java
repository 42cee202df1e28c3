package io.jenkins.plugins.progressivedelivery.cli.demo;

import java.util.Locale;

/**
 * How the demo pretends a version of the app behaves: the share of requests that fail with a 500, the median
 * latency (latencies are log-normal around it), and how many requests per second one pod can serve before it sheds
 * the excess with 503s.
 *
 * @param capacityPerPod requests per second one pod serves; {@link Double#POSITIVE_INFINITY} for no limit
 */
public record VersionProfile(double errorRatio, double medianLatencySeconds, double latencySpread,
                             double capacityPerPod) {

    /** The current release: healthy. */
    public static final VersionProfile STABLE_1 = new VersionProfile(0.002, 0.035, 0.35, Double.POSITIVE_INFINITY);
    /**
     * A good release: about as healthy and as fast as 1.x. (One 15 % slower is a real regression, and the canary
     * judge, comparing with a baseline of 1.x, says so.)
     */
    public static final VersionProfile GOOD_2 = new VersionProfile(0.003, 0.035, 0.35, Double.POSITIVE_INFINITY);
    /** A bad release: one request in seven fails, and it is slow. */
    public static final VersionProfile BAD_3 = new VersionProfile(0.15, 0.180, 0.6, Double.POSITIVE_INFINITY);
    /**
     * A release that is healthy under a trickle of requests but whose pods (a connection pool too small, say) serve
     * only 20 requests per second each: a smoke test passes, production load does not.
     */
    public static final VersionProfile UNDERSIZED_3 = new VersionProfile(0.003, 0.045, 0.35, 20);
    /** Any other image. */
    public static final VersionProfile UNKNOWN = new VersionProfile(0.01, 0.050, 0.4, Double.POSITIVE_INFINITY);

    /**
     * The profile of an image by its tag's major version ({@code web:1.x}, {@code web:2.x}, {@code web:3.x}), except
     * {@code pay:3.x}, the blue-green demo's version that fails only under production load.
     */
    public static VersionProfile forImage(String image) {
        if (image == null) {
            return UNKNOWN;
        }
        int colon = image.lastIndexOf(':');
        String name = colon < 0 ? image : image.substring(image.lastIndexOf('/') + 1, colon);
        String tag = colon < 0 ? "" : image.substring(colon + 1);
        String major = tag.contains(".") ? tag.substring(0, tag.indexOf('.')) : tag;
        switch (major) {
            case "1":
                return STABLE_1;
            case "2":
                return GOOD_2;
            case "3":
                return name.toLowerCase(Locale.ROOT).equals("pay") ? UNDERSIZED_3 : BAD_3;
            default:
                return UNKNOWN;
        }
    }

    /**
     * The share of requests shed (answered 503) when each pod is sent {@code requestsPerSecondPerPod}: what goes
     * beyond the pods' capacity. The rest fail with the version's own {@link #errorRatio}.
     */
    public double shedRatio(double requestsPerSecondPerPod) {
        return requestsPerSecondPerPod <= capacityPerPod ? 0 : 1 - capacityPerPod / requestsPerSecondPerPod;
    }
}
