package hudson.console;

import java.io.Serializable;

public abstract class ConsoleNote<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    public ConsoleNote() {
    }
}
