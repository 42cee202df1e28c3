package io.jenkins.plugins.progressivedelivery.rollback;

/**
 * How a pending rollback reaches its cluster, as far as it can be written to disk: the credential's id, the API
 * server's address and CA certificate (public), the kubeconfig context, or the path of the kubeconfig file the build
 * had in {@code KUBECONFIG} (on the agent that ran the step). Never a token or a kubeconfig's content: the keeper
 * looks the credential up again, in the job's context, for every attempt.
 *
 * @param credentialsId the Jenkins credential (Secret file kubeconfig or Secret text token), or null
 * @param kubeconfig    the build's {@code KUBECONFIG} path when no credential was used, or null
 */
public record ClusterRef(String credentialsId, String serverUrl, String caCertificate, String context,
                         String kubeconfig) {

    /** A Jenkins credential names the cluster: the keeper can reach it from the controller as well as the agent. */
    public boolean jenkinsCredential() {
        return credentialsId != null && !credentialsId.isBlank();
    }

    /** For the log: which credential or file, never what is in it. */
    public String describe() {
        if (jenkinsCredential()) {
            return "credential '" + credentialsId + "'" + (serverUrl == null ? "" : " for " + serverUrl);
        }
        return kubeconfig != null ? "kubeconfig " + kubeconfig : "the default kubeconfig or service account";
    }
}
