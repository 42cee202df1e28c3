package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every demo scenario runs against.
 *
 * @param cluster    the embedded Kubernetes API, seeded with the demo app
 * @param prometheus the local Prometheus' HTTP API, scraping the traffic simulator
 * @param scheduler  the engine's scheduler (an ExecutorScheduler on {@code executor})
 * @param io         where the engine does its blocking calls
 * @param timing     how long the demo waits at each step
 * @param outDir     where plans, audit trails and the report go
 */
record DemoEnvironment(EmbeddedCluster cluster, URI prometheus, Scheduler scheduler, ScheduledExecutorService executor,
                       Executor io, DemoPlans.Timing timing, Path outDir) {
}
