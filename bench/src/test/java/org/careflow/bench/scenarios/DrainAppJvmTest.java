package org.careflow.bench.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DrainAppJvmTest {

    @Test
    void shouldSplitTheExtraJvmOptionsOnWhiteSpaceAndAddNoneWhenUnset() {
        assertThat(DrainAppJvm.extraOptions(" -XX:StartFlightRecording=filename=app-%p.jfr,settings=profile \t-Xlog:gc "))
            .containsExactly("-XX:StartFlightRecording=filename=app-%p.jfr,settings=profile", "-Xlog:gc");
        assertThat(DrainAppJvm.extraOptions(null)).isEmpty();
        assertThat(DrainAppJvm.extraOptions("  ")).isEmpty();
    }
}
