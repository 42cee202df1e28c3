package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import org.junit.jupiter.api.Test;

class StepSupportTest {

    @Test
    void outsideNodeTheCallsRunOnTheController() throws Exception {
        Where where = StepSupport.where(new FakeStepContext(), null);

        assertThat(where.describe()).isEqualTo("the controller");
        assertThat(where.computer()).isNull();
    }

    @Test
    void afterARestartBeforeTheAgentIsBackTheCallsStillGoToThatAgentNotToTheController() throws Exception {
        // Right after a controller restart the node {} block has no workspace until its agent reconnects.
        Where where = StepSupport.where(new FakeStepContext(), "linux-7");

        assertThat(where.describe()).isEqualTo("agent linux-7");
        assertThat(where.computer()).isEqualTo("linux-7");
    }
}
