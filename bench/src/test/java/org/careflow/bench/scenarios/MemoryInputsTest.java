package org.careflow.bench.scenarios;

import org.careflow.bench.infra.ProcessMemory;
import org.careflow.bench.BenchSettings;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.scheduling.slots.SlotGenerator;
import org.junit.jupiter.api.Test;

public class MemoryInputsTest {

    private static final long SEED = BenchSettings.DEFAULT_SEED;
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void shouldGiveEveryPatientASlotOfItsOwnWithinTheHorizonWhenAMillionBook() {
        // Given a million patients over as many providers as the scenario uses
        int patients = 1_000_000;
        int providers = MemoryInputs.providers(patients);
        Instant firstDay = NOW.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(MemoryInputs.FIRST_SLOT_DAY));
        SyntheticData data = SyntheticData.standard(SEED, NOW);

        // When every patient's booking request is made
        Set<String> slots = new HashSet<>();
        Set<String> patientIds = new HashSet<>();
        Instant latest = Instant.MIN;
        for (long j = 0; j < patients; j++) {
            BookingRequest request = MemoryInputs.request(SEED, j, providers, firstDay, NOW);
            slots.add(request.getProviderId() + "@" + request.getSlotStart());
            patientIds.add(request.getPatientId());
            latest = request.getSlotStart().isAfter(latest) ? request.getSlotStart() : latest;
        }

        // Then no two patients want one slot, every patient is someone else, and the last slot lies within 8 weeks
        assertThat(slots).hasSize(patients);
        assertThat(patientIds).hasSize(patients);
        assertThat(latest).isBefore(NOW.plus(Duration.ofDays(7 * 8)));
        // And the provider's schedule offers the slots asked for
        for (long j : List.of(0L, 1L, (long) providers, patients - 1L)) {
            BookingRequest request = MemoryInputs.request(SEED, j, providers, firstDay, NOW);
            int provider = (int) (j % providers);
            ProviderSchedule schedule = MemoryInputs.schedule(data, SEED, provider, NOW);
            assertThat(schedule.getProviderId()).isEqualTo(request.getProviderId());
            assertThat(SlotGenerator.slotAt(schedule, request.getSlotStart())).as("slot of patient %d", j).isPresent();
            assertThat(schedule.getAppointmentTypes()).contains(request.getAppointmentType());
        }
    }

    @Test
    void shouldReadResidentAndPeakMemoryWhenGivenAProcStatusFile() {
        // Given the lines of /proc/PID/status that matter
        List<String> lines = List.of("Name:\tjava", "VmPeak:\t 4000000 kB", "VmHWM:\t  600000 kB", "VmRSS:\t  500000 kB");

        // When read, Then RSS and its high-water mark come out in kB, and a missing field as -1
        assertThat(ProcessMemory.kilobytes(lines, "VmRSS:")).isEqualTo(500_000);
        assertThat(ProcessMemory.kilobytes(lines, "VmHWM:")).isEqualTo(600_000);
        assertThat(ProcessMemory.kilobytes(lines, "VmSwap:")).isEqualTo(-1);
    }
}
