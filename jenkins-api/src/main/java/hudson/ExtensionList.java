package hudson;

import java.util.AbstractList;
import jenkins.model.Jenkins;

public class ExtensionList<T> extends AbstractList<T> {
    protected ExtensionList(Jenkins jenkins, Class<T> extensionType) {
    }

    @Override
    public T get(int index) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    @Override
    public int size() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public static <U> U lookupSingleton(Class<U> type) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
