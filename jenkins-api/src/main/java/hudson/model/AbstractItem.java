package hudson.model;

/** Keeps its parent and name, as the real one does, so that a test's job has a full name. */
public abstract class AbstractItem extends Actionable implements Item {
    private final transient ItemGroup parent;
    private final transient String name;

    protected AbstractItem(ItemGroup parent, String name) {
        this.parent = parent;
        this.name = name;
    }

    public String getName() {
        return name;
    }

    @Override
    public final String getFullName() {
        return parent == null || parent.getFullName() == null || parent.getFullName().isEmpty() ? name
                : parent.getFullName() + "/" + name;
    }

    @Override
    public final String getUrl() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
