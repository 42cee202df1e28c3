package org.jenkinsci.plugins.workflow.support.steps.input;

import hudson.console.HyperlinkNote;

/** The real one encodes a console note that renders a link which POSTs (with the CSRF crumb); here: the text. */
public final class POSTHyperlinkNote extends HyperlinkNote {
    private static final long serialVersionUID = 1L;

    public static String encodeTo(String url, String text) {
        return text;
    }

    public POSTHyperlinkNote(String url, int length) {
        super(url, length);
    }
}
