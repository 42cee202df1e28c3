package hudson.model;

import java.util.List;

public interface ItemGroup<T extends Item> extends ModelObject {
    String getFullName();

    String getUrl();

    default <T extends Item> List<T> getAllItems(Class<T> type) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
