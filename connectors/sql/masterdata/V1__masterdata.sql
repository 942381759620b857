-- Master data careflow captures by change data capture (Debezium's PostgreSQL connector, pgoutput).
-- streams-masterdata turns the changes into the events the ingest API writes: see streams-masterdata/README.md.
-- Every table has REPLICA IDENTITY FULL, so a delete in the write-ahead log carries the whole old row.

CREATE TABLE public.providers (
    provider_id       text PRIMARY KEY,
    facility_id       text NOT NULL,
    display_name      text,
    time_zone         text NOT NULL,   -- IANA region, e.g. Europe/London
    slot_minutes      int  NOT NULL,   -- 5 to 480
    appointment_types text NOT NULL    -- comma-separated codes, e.g. 'new-patient, follow-up'
);
ALTER TABLE public.providers REPLICA IDENTITY FULL;

-- One weekly session per row; a provider's schedule is all its rows.
CREATE TABLE public.provider_schedules (
    id          bigserial PRIMARY KEY,
    provider_id text NOT NULL REFERENCES public.providers (provider_id),
    weekday     text NOT NULL CHECK (weekday IN ('MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY')),
    start_time  time NOT NULL,         -- local to the provider's time zone, whole minutes
    end_time    time NOT NULL          -- exclusive, after start_time
);
ALTER TABLE public.provider_schedules REPLICA IDENTITY FULL;
CREATE INDEX provider_schedules_provider_id ON public.provider_schedules (provider_id);

CREATE TABLE public.patient_contacts (
    patient_id        text PRIMARY KEY,
    phone             text,            -- E.164, e.g. +447700900123
    email             text,
    preferred_channel text,            -- WHATSAPP, SMS or EMAIL; null: no preference
    language          text NOT NULL,   -- BCP 47, e.g. en-GB
    time_zone         text NOT NULL,   -- IANA region
    consent_granted   boolean NOT NULL,
    consent_at        timestamptz      -- when the patient gave or withdrew consent
);
ALTER TABLE public.patient_contacts REPLICA IDENTITY FULL;
