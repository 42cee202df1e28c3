package hudson.model;

import hudson.ExtensionPoint;
import hudson.triggers.SafeTimerTask;

public abstract class PeriodicWork extends SafeTimerTask implements ExtensionPoint {
    protected static final long MIN = 60_000L;

    public PeriodicWork() {
    }

    public abstract long getRecurrencePeriod();

    public long getInitialDelay() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
