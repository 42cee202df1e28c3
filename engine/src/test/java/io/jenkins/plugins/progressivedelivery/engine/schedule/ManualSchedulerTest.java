package io.jenkins.plugins.progressivedelivery.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {

    @Test
    void runsTasksInDueOrderIncludingTasksScheduledOnTheWay() {
        ManualScheduler scheduler = new ManualScheduler();
        List<String> ran = new ArrayList<>();
        scheduler.schedule(Duration.ofSeconds(10), () -> {
            ran.add("10s at " + scheduler.now().getEpochSecond() % 60);
            scheduler.schedule(Duration.ofSeconds(5), () -> ran.add("15s"));
        });
        scheduler.schedule(Duration.ofSeconds(2), () -> ran.add("2s"));

        scheduler.advance(Duration.ofSeconds(20));

        assertThat(ran).containsExactly("2s", "10s at 10", "15s");
        assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    void cancelledTaskNeverRunsAndTimeOnlyMovesWhenTold() {
        ManualScheduler scheduler = new ManualScheduler();
        List<String> ran = new ArrayList<>();
        var start = scheduler.now();
        Scheduler.Cancellable handle = scheduler.schedule(Duration.ofMinutes(1), () -> ran.add("cancelled"));
        handle.cancel();
        scheduler.advance(Duration.ofMinutes(2));

        assertThat(ran).isEmpty();
        assertThat(Duration.between(start, scheduler.now())).isEqualTo(Duration.ofMinutes(2));
    }
}
