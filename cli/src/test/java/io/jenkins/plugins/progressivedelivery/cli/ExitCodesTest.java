package io.jenkins.plugins.progressivedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutPhase;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
    @Test
    void everyWayARolloutEndsHasItsOwnCodeAndAnUnsafeOneIsNeverZero() {
        Set<Integer> codes = Arrays.stream(RolloutPhase.values()).filter(RolloutPhase::completed)
                .map(ExitCodes::of).collect(Collectors.toSet());

        assertThat(codes).hasSize(5).doesNotContain(ExitCodes.INVALID);
        assertThat(ExitCodes.of(RolloutPhase.PROMOTED)).isZero();
        assertThat(ExitCodes.of(RolloutPhase.ROLLED_BACK)).isEqualTo(1);
        assertThat(ExitCodes.of(RolloutPhase.ABORTED)).isEqualTo(3);
        assertThat(ExitCodes.of(RolloutPhase.ROLLBACK_FAILED)).isEqualTo(4);
        assertThat(ExitCodes.of(RolloutPhase.FAILED)).isEqualTo(5);
    }
}
