package hudson.model;

import net.sf.json.JSONObject;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

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

    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    /** Outside Jenkins there is no configuration file: saving and loading do nothing (tests use the object as is). */
    public synchronized void save() {
    }

    public synchronized void load() {
    }

    public static final class FormException extends Exception implements HttpResponse {
        public FormException(String message, String formField) {
            super(message);
        }

        @Override
        public void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node)
                throws java.io.IOException, jakarta.servlet.ServletException {
            throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
        }
    }
}
