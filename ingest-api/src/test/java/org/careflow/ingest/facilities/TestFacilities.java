package org.careflow.ingest.facilities;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.careflow.events.facilities.Facility;

/** Registered facilities for route tests: the ids the tests name, active and accepting patient self-triage. */
public final class TestFacilities {

    /** Every facility id the ingest tests write for. */
    public static final List<String> IDS = List.of("f-1", "f-2", "f-9", "F1", "F2");

    private TestFacilities() {
    }

    /** An active facility accepting self-triage, with no on-call contacts. */
    public static Facility facility(String id, boolean acceptsSelfTriage) {
        return Facility.newBuilder().setEventId("facility-" + id).setOccurredAt(Instant.parse("2026-11-01T00:00:00Z"))
            .setFacilityId(id).setName("Facility " + id).setActive(true).setAcceptsSelfTriage(acceptsSelfTriage).build();
    }

    /** A catalog holding {@link #IDS}. */
    public static FacilityCatalog catalog() {
        return catalog(IDS.toArray(String[]::new));
    }

    /** A catalog holding exactly {@code ids}. */
    public static FacilityCatalog catalog(String... ids) {
        return FacilityCatalog.fixed(Arrays.stream(ids).map(id -> facility(id, true)).toList());
    }
}
