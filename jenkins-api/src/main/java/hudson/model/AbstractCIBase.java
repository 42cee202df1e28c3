package hudson.model;

public abstract class AbstractCIBase extends Node implements ItemGroup<TopLevelItem> {
    public AbstractCIBase() {
    }

    @Override
    public String getUrl() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
