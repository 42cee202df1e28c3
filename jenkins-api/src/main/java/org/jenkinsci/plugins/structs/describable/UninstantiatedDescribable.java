package org.jenkinsci.plugins.structs.describable;

import java.io.Serializable;
import java.util.Map;

/** A working value holder, as the real one is, so that tests can bind what Pipeline's DSL hands a step. */
public class UninstantiatedDescribable implements Serializable {
    public static final String ANONYMOUS_KEY = "<anonymous>";

    private String symbol;
    private String klass;
    private final Map<String, ?> arguments;

    public UninstantiatedDescribable(String symbol, String klass, Map<String, ?> arguments) {
        this.symbol = symbol;
        this.klass = klass;
        this.arguments = arguments;
    }

    public String getSymbol() {
        return symbol;
    }

    public String getKlass() {
        return klass;
    }

    public Map<String, ?> getArguments() {
        return arguments;
    }

    @Override
    public String toString() {
        return "@" + symbol + (klass == null ? "" : "$" + klass) + arguments;
    }
}
