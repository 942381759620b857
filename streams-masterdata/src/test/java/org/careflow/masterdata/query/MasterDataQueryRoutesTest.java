package org.careflow.masterdata.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.http.HttpServerFactory;
import org.junit.jupiter.api.Test;

class MasterDataQueryRoutesTest {

    @Test
    void shouldRenderTheScheduleInTheIngestApiShapeWhenAProviderIsAskedFor() throws Exception {
        ProviderSchedule schedule = ProviderSchedule.newBuilder()
            .setEventId("e-1").setOccurredAt(Instant.parse("2026-11-23T08:00:00Z")).setProviderId("dr-1").setFacilityId("f-1")
            .setTimeZone("Europe/London").setSlotMinutes(30).setAppointmentTypes(List.of("new-patient"))
            .setWeeklyTemplate(List.of(session(Weekday.MONDAY, 9, 12), session(Weekday.MONDAY, 13, 17), session(Weekday.FRIDAY, 9, 10)))
            .setTimeOff(List.of()).setExtraSessions(List.of()).build();

        Map<String, Object> view = MasterDataQueryRoutes.view(schedule);

        assertThat((Object) HttpServerFactory.MAPPER.valueToTree(view)).isEqualTo(HttpServerFactory.MAPPER.readTree("{\"providerId\":\"dr-1\",\"facilityId\":\"f-1\","
            + "\"timeZone\":\"Europe/London\",\"slotMinutes\":30,\"appointmentTypes\":[\"new-patient\"],"
            + "\"weekly\":{\"MONDAY\":[{\"start\":\"09:00\",\"end\":\"12:00\"},{\"start\":\"13:00\",\"end\":\"17:00\"}],"
            + "\"FRIDAY\":[{\"start\":\"09:00\",\"end\":\"10:00\"}]},\"eventId\":\"e-1\",\"occurredAt\":\"2026-11-23T08:00:00Z\"}"));
    }

    private static WeeklySession session(Weekday day, int from, int to) {
        return new WeeklySession(day, new LocalTimeRange(LocalTime.of(from, 0), LocalTime.of(to, 0)));
    }
}
