package hudson.model;

public abstract class AbstractItem extends Actionable implements Item {
    protected AbstractItem(ItemGroup parent, String name) {
    }

    @Override
    public final String getFullName() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    @Override
    public final String getUrl() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
