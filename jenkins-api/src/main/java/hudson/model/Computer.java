package hudson.model;

public abstract class Computer extends Actionable {
    private Computer() {
    }

    public abstract hudson.remoting.VirtualChannel getChannel();

    public String getName() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
