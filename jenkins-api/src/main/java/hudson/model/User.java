package hudson.model;

public class User extends AbstractModelObject {
    private User() {
    }

    public String getId() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public String getFullName() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public static User current() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public String getDisplayName() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
