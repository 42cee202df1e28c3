package hudson;

import java.io.IOException;

/** Fails a build with just its message (no stack trace in the log). */
public class AbortException extends IOException {
    private static final long serialVersionUID = 1L;

    public AbortException() {
    }

    public AbortException(String message) {
        super(message);
    }
}
