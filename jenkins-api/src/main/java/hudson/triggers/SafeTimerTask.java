package hudson.triggers;

import java.util.TimerTask;

/** Only as the superclass of {@link hudson.model.PeriodicWork} (the reference does not cover hudson.triggers). */
public abstract class SafeTimerTask extends TimerTask {
    protected SafeTimerTask() {
    }

    @Override
    public final void run() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    protected abstract void doRun() throws Exception;
}
