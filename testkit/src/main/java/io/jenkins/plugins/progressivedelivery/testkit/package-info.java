/** Local Prometheus for the tests and the demo. */
package io.jenkins.plugins.progressivedelivery.testkit;
