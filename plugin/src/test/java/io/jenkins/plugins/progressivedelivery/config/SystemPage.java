package io.jenkins.plugins.progressivedelivery.config;

import java.util.function.Supplier;

/**
 * Manage Jenkins » System » Progressive Delivery as a test fills it in: what
 * {@link ProgressiveDeliveryConfiguration#getOrNull()} answers until {@link #close()}, for steps run without Jenkins.
 */
public final class SystemPage implements AutoCloseable {
    private final Supplier<ProgressiveDeliveryConfiguration> before;

    private SystemPage(Supplier<ProgressiveDeliveryConfiguration> before) {
        this.before = before;
    }

    public static SystemPage configured(ProgressiveDeliveryConfiguration config) {
        SystemPage page = new SystemPage(ProgressiveDeliveryConfiguration.current);
        ProgressiveDeliveryConfiguration.current = () -> config;
        return page;
    }

    @Override
    public void close() {
        ProgressiveDeliveryConfiguration.current = before;
    }
}
