package com.cloudbees.plugins.credentials;

public class CredentialsMatchers {
    private CredentialsMatchers() {
    }

    public static CredentialsMatcher instanceOf(Class clazz) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public static CredentialsMatcher anyOf(CredentialsMatcher... matchers) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public static CredentialsMatcher withId(String id) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public static <C extends Credentials> C firstOrNull(Iterable<C> credentials, CredentialsMatcher matcher) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
