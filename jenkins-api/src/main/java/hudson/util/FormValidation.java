package hudson.util;

import java.io.IOException;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/** Working values outside Jenkins (kind and message), so that tests can read what a check answered. */
public abstract class FormValidation extends IOException implements HttpResponse {
    public final Kind kind;

    private FormValidation(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static FormValidation ok() {
        return respond(Kind.OK, null);
    }

    public static FormValidation ok(String message) {
        return respond(Kind.OK, message);
    }

    public static FormValidation warning(String message) {
        return respond(Kind.WARNING, message);
    }

    public static FormValidation error(String message) {
        return respond(Kind.ERROR, message);
    }

    private static FormValidation respond(Kind kind, String message) {
        return new FormValidation(kind, message) {
            @Override
            public String renderHtml() {
                return message;
            }

            @Override
            public String toString() {
                return kind + ": " + message;
            }
        };
    }

    public abstract String renderHtml();

    @Override
    public void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node)
            throws IOException, jakarta.servlet.ServletException {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public enum Kind {
        OK, WARNING, ERROR
    }
}
