package org.kohsuke.stapler;

public class HttpResponses {
    public HttpResponses() {
    }

    public static HttpRedirect redirectTo(String url) {
        return new HttpRedirect(url);
    }

    /** A stand-in that carries the status, so tests can see what the real one would answer. */
    public static HttpResponses.HttpResponseException errorWithoutStack(int code, String message) {
        return new HttpResponseException(code + " " + message) {
            private static final long serialVersionUID = 1L;
        };
    }

    public abstract static class HttpResponseException extends RuntimeException implements HttpResponse {
        private static final long serialVersionUID = 1L;

        public HttpResponseException() {
        }

        public HttpResponseException(String message) {
            super(message);
        }
    }
}
