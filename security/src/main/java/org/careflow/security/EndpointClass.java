package org.careflow.security;

import io.javalin.security.RouteRole;

/**
 * What an HTTP route does, for access control: every careflow route is registered with exactly one class
 * ({@code config.routes.get(path, handler, EndpointClass.FACILITY_TRIAGE_READ)}); a route without one is refused.
 * Who may call each class is {@link AccessPolicy}'s job; the class only carries its rate class and whether reads
 * of it are audited.
 */
public enum EndpointClass implements RouteRole {
    /** Health probes: no token, no rate limit. */
    PUBLIC(RateClass.QUERY, false),
    /** Signed by the provider (HMAC), not by a token; rate-limited by client address. */
    WEBHOOK(RateClass.WEBHOOK, false),

    TRIAGE_SUBMIT(RateClass.INGEST, false),
    TRIAGE_BATCH(RateClass.BATCH, false),
    DISPOSITION(RateClass.INGEST, false),
    FORM_ADMIN(RateClass.ADMIN, false),
    /** Facilities' master data (name, self-triage, on-call contacts): global configuration, written and read by ops. */
    FACILITY_ADMIN(RateClass.ADMIN, false),
    SCHEDULE_WRITE(RateClass.INGEST, false),
    BOOKING_WRITE(RateClass.INGEST, false),
    CONTACT_WRITE(RateClass.INGEST, false),

    PATIENT_TRIAGE_READ(RateClass.QUERY, true),
    FACILITY_TRIAGE_READ(RateClass.QUERY, true),
    FORM_READ(RateClass.QUERY, false),
    BOOKING_READ(RateClass.QUERY, true),
    /** A provider's free slots: no patient data. */
    PROVIDER_READ(RateClass.QUERY, false),
    /** A provider's double bookings: they name bookings, so they are split from {@link #PROVIDER_READ}. */
    PROVIDER_CONFLICTS_READ(RateClass.QUERY, true),
    FACILITY_SLOTS_READ(RateClass.QUERY, false),
    PATIENT_APPOINTMENTS_READ(RateClass.QUERY, true),
    PATIENT_REMINDERS_READ(RateClass.QUERY, true),
    PATIENT_MESSAGES_READ(RateClass.QUERY, true),
    NOTIFICATION_READ(RateClass.QUERY, true),
    MASTERDATA_READ(RateClass.QUERY, false),
    /**
     * The data-access audit trail (FHIR {@code AuditEvent}): who read whose data. Ops only; not itself audited, since every
     * instance's part is gathered without one owner to record it (see docs/fhir.md).
     */
    AUDIT_READ(RateClass.ADMIN, false),
    /** Operations routes: {@code GET /metrics} (Prometheus) and {@code GET /admin/status} of every app. */
    OPS(RateClass.ADMIN, false);

    private final RateClass rateClass;
    private final boolean audited;

    EndpointClass(RateClass rateClass, boolean audited) {
        this.rateClass = rateClass;
        this.audited = audited;
    }

    public RateClass rateClass() {
        return rateClass;
    }

    /** Whether every read of this class is written to the data-access audit. */
    public boolean audited() {
        return audited;
    }

    /** Whether a caller must present a token. */
    public boolean requiresToken() {
        return this != PUBLIC && this != WEBHOOK;
    }
}
