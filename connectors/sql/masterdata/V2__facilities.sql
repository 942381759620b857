-- Facilities careflow serves, captured like the other master-data tables: streams-masterdata turns each row into the
-- Facility event that ops would write with PUT /v1/facilities/{facilityId} (see streams-masterdata/README.md). A write
-- naming a facility that is not registered (or not active) is refused by the ingest API, and nobody is paged for it.

CREATE TABLE public.facilities (
    facility_id         text PRIMARY KEY,
    name                text    NOT NULL,
    active              boolean NOT NULL DEFAULT true,
    accepts_self_triage boolean NOT NULL DEFAULT false,  -- may patients submit triage to it themselves
    time_zone           text,                            -- IANA region, e.g. Europe/London
    oncall_webhook_url  text,                            -- https URL of a public paging gateway (or an allow-listed host)
    oncall_email        text                             -- on-call email address
);
ALTER TABLE public.facilities REPLICA IDENTITY FULL;
