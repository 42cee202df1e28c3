package io.jenkins.plugins.progressivedelivery.cli.demo;

/**
 * How the demo pretends a version of the app behaves: the share of requests that fail with a 500 and the
 * median latency (latencies are log-normal around it).
 */
public record VersionProfile(double errorRatio, double medianLatencySeconds, double latencySpread) {

    /** The current release: healthy. */
    public static final VersionProfile STABLE_1 = new VersionProfile(0.002, 0.035, 0.35);
    /** A good release: about as healthy as 1.x, a little slower. */
    public static final VersionProfile GOOD_2 = new VersionProfile(0.005, 0.040, 0.35);
    /** A bad release: one request in seven fails, and it is slow. */
    public static final VersionProfile BAD_3 = new VersionProfile(0.15, 0.180, 0.6);
    /** Any other image. */
    public static final VersionProfile UNKNOWN = new VersionProfile(0.01, 0.050, 0.4);

    /** The profile of an image by its tag's major version: {@code web:1.x}, {@code web:2.x}, {@code web:3.x}. */
    public static VersionProfile forImage(String image) {
        if (image == null) {
            return UNKNOWN;
        }
        String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "";
        if (tag.startsWith("1.") || tag.equals("1")) {
            return STABLE_1;
        }
        if (tag.startsWith("2.") || tag.equals("2")) {
            return GOOD_2;
        }
        if (tag.startsWith("3.") || tag.equals("3")) {
            return BAD_3;
        }
        return UNKNOWN;
    }
}
