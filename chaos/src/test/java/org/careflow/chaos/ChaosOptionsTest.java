package org.careflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ChaosOptionsTest {

    private static final Path OUT = Path.of("target/chaos/chaos-report.json");

    @Test
    void shouldRunTheFullSuiteWhenGivenNoOptions() {
        ChaosOptions options = ChaosOptions.parse(new String[0], OUT);

        assertThat(options.quick()).isFalse();
        assertThat(options.scenario()).isEmpty();
        assertThat(options.out()).isEqualTo(OUT);
        assertThat(options.registryOutage().toSeconds()).isEqualTo(30);
    }

    @Test
    void shouldReadQuickScenarioAndOutWhenGiven() {
        ChaosOptions options = ChaosOptions.parse(new String[] {"--quick", "--scenario", "registry-outage", "--out", "r.json"}, OUT);

        assertThat(options.quick()).isTrue();
        assertThat(options.scenario()).contains("registry-outage");
        assertThat(options.out()).isEqualTo(Path.of("r.json"));
        assertThat(options.down()).isLessThan(ChaosOptions.parse(new String[0], OUT).down());
    }

    @Test
    void shouldRefuseWithTheUsageWhenAnOptionIsUnknownOrIncomplete() {
        assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"--fast"}, OUT)).hasMessageContaining(ChaosOptions.USAGE);
        assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"--scenario"}, OUT)).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"--rate", "0"}, OUT)).hasMessageContaining("positive");
    }

    @Test
    void shouldNameEveryQuickScenarioAmongTheFullSuitesWhenListed() {
        assertThat(Faults.quick()).containsExactly("kill-streams-triage-1", "kill-leader-broker", "kill-streams-notifications-1",
            "registry-outage");
    }
}
