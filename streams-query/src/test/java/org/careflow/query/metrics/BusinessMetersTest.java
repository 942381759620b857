package org.careflow.query.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.careflow.http.metrics.AppMetrics;
import org.careflow.http.metrics.PrometheusSamples;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BusinessMetersTest {

    private final AppMetrics metrics = AppMetrics.create("test-app");
    private final BusinessMeters business = new BusinessMeters(metrics.registry());

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void shouldCountBusinessEventsWithClosedLabelSets() {
        business.assessment("HIGH");
        business.assessment("HIGH");
        business.booking("REJECTED", "SLOT_TAKEN");
        business.booking("CONFIRMED", null);
        business.reminder("sent");
        business.deadLetter("triage-dead-letters");

        String text = metrics.scrape();

        assertThat(PrometheusSamples.sum(text, "careflow_triage_assessments_total", Map.of("band", "HIGH", "app", "test-app"))).isEqualTo(2.0);
        assertThat(PrometheusSamples.sum(text, "careflow_bookings_total", Map.of("status", "REJECTED", "reason", "SLOT_TAKEN"))).isEqualTo(1.0);
        assertThat(PrometheusSamples.sum(text, "careflow_bookings_total", Map.of("status", "CONFIRMED", "reason", "none"))).isEqualTo(1.0);
        assertThat(PrometheusSamples.sum(text, "careflow_reminders_total", Map.of("outcome", "sent"))).isEqualTo(1.0);
        assertThat(PrometheusSamples.sum(text, "careflow_dead_letters_total", Map.of("topic", "triage-dead-letters"))).isEqualTo(1.0);
    }

    @Test
    void shouldCountInTheSameSeriesWhenTwoMetersShareARegistry() {
        new BusinessMeters(metrics.registry()).reminder("sent");
        business.reminder("sent");

        assertThat(PrometheusSamples.sum(metrics.scrape(), "careflow_reminders_total", Map.of("outcome", "sent"))).isEqualTo(2.0);
    }
}
