package org.careflow.bench.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

public class BatchIngestScenarioTest {

    @Test
    void shouldKeepTheBatchSizesWhenTheApiTakesThem() {
        assertThat(BatchIngestScenario.batchSizes(1_000, 16L << 20)).containsExactly(100, 500);
    }

    @Test
    void shouldCapBatchSizesAtTheApiLimitsWithoutRepeats() {
        assertThat(BatchIngestScenario.batchSizes(300, 16L << 20)).containsExactly(100, 300);
        assertThat(BatchIngestScenario.batchSizes(50, 16L << 20)).containsExactly(50);
        assertThat(BatchIngestScenario.batchSizes(1_000, 200L * BatchIngestScenario.BYTES_PER_EVENT_BOUND)).containsExactly(100, 200);
    }

    @Test
    void shouldCountA207ItemByItem() {
        // Given a 207 whose second item was refused
        String answer = """
            {"accepted":2,"rejected":1,"failed":0,"results":[{"index":0,"status":202},{"index":1,"status":400},{"index":2,"status":202}]}""";
        HttpLoad.Tally tally = new HttpLoad.Tally();

        // When it is counted
        IngestRequests.countItems(answer, 3, tally);

        // Then two items count as accepted and one as refused with 400
        assertThat(tally).extracting("accepted", "errors").containsExactly(2L, 1L);
        assertThat(tally).extracting("notAccepted").isEqualTo(Map.of(400, 1L));
    }

    @Test
    void shouldCountEveryItemAsNotAcceptedWhenA207CannotBeRead() {
        HttpLoad.Tally tally = new HttpLoad.Tally();
        IngestRequests.countItems("not json", 4, tally);
        assertThat(tally).extracting("accepted", "errors").containsExactly(0L, 4L);
    }
}
