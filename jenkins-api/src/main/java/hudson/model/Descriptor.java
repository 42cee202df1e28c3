package hudson.model;

public abstract class Descriptor<T extends Describable<T>> {
    public final transient Class<? extends T> clazz;

    protected Descriptor(Class<? extends T> clazz) {
        this.clazz = clazz;
    }

    protected Descriptor() {
        this.clazz = null;
    }

    public String getDisplayName() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public String getId() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
