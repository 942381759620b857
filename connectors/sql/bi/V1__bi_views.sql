-- careflow BI views: PII-free reads of the sink tables, for Metabase, Superset and the like.
-- Patient identifiers are replaced by a keyed hash (SHA-256 of a secret and the id); phone numbers, names and
-- message texts never appear. BI users get the careflow_bi role: USAGE on schema bi and SELECT on its views, nothing
-- on the sink tables or on careflow_private, whose key the views read with their owner's rights.
-- Run as careflow_bi_owner, after connectors/sql/roles (which creates the schemas it owns); the sink login has no
-- access to careflow_private. Safe to run again. A view whose sink table does not exist yet (no record has arrived) is
-- created on a later run.

-- Names below are schema-qualified; nothing the sink login creates in public can stand in for a built-in function.
SET LOCAL search_path = pg_catalog, pg_temp;

CREATE SCHEMA IF NOT EXISTS bi;
CREATE SCHEMA IF NOT EXISTS careflow_private;
REVOKE ALL ON SCHEMA careflow_private FROM PUBLIC;
CREATE TABLE IF NOT EXISTS careflow_private.pseudonym_key (id int PRIMARY KEY CHECK (id = 1), secret text NOT NULL);
INSERT INTO careflow_private.pseudonym_key (id, secret) VALUES (1, '${BI_PSEUDONYM_KEY}') ON CONFLICT (id) DO NOTHING;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careflow_bi') THEN
    CREATE ROLE careflow_bi NOLOGIN;
  END IF;
END $$;
GRANT USAGE ON SCHEMA bi TO careflow_bi;

DO $$
BEGIN
  IF to_regclass('public.appointments') IS NOT NULL THEN
    EXECUTE $v$
      CREATE OR REPLACE VIEW bi.appointments AS
      SELECT a.booking_id,
             encode(sha256(convert_to(k.secret || ':' || a.patientid, 'UTF8')), 'hex') AS patient_key,
             a.providerid AS provider_id, a.facilityid AS facility_id, a.appointmenttype AS appointment_type,
             a.slotstart AS slot_start, a.slotend AS slot_end, a.status, a.rejectionreason AS rejection_reason,
             a.decidedat AS decided_at
      FROM public.appointments a CROSS JOIN careflow_private.pseudonym_key k $v$;
  END IF;

  IF to_regclass('public.triage_assessments') IS NOT NULL THEN
    EXECUTE $v$
      CREATE OR REPLACE VIEW bi.triage_assessments AS
      SELECT t.submission_id,
             encode(sha256(convert_to(k.secret || ':' || t.patient_id, 'UTF8')), 'hex') AS patient_key,
             t.facility_id, t.form_id, t.form_version, t.submitted_at, t.assessed_at, t.band, t.news2_total, t.news2_complete,
             t.news2_band, t.respiration_rate_points, t.spo2_points, t.air_or_oxygen_points, t.systolic_bp_points,
             t.pulse_points, t.consciousness_points, t.temperature_points, t.form_points, t.red_flags
      FROM public.triage_assessments t CROSS JOIN careflow_private.pseudonym_key k $v$;

    EXECUTE $v$
      CREATE OR REPLACE VIEW bi.facility_hourly_stats AS
      SELECT t.facility_id, date_trunc('hour', t.submitted_at) AS hour,
             count(*) AS submissions,
             count(*) FILTER (WHERE t.band = 'LOW') AS low,
             count(*) FILTER (WHERE t.band = 'LOW_MEDIUM') AS low_medium,
             count(*) FILTER (WHERE t.band = 'MEDIUM') AS medium,
             count(*) FILTER (WHERE t.band = 'HIGH') AS high,
             count(*) FILTER (WHERE t.band = 'INCOMPLETE') AS incomplete,
             round(avg(t.news2_total), 2) AS mean_news2
      FROM public.triage_assessments t
      GROUP BY t.facility_id, date_trunc('hour', t.submitted_at) $v$;
  END IF;

  IF to_regclass('public.message_log') IS NOT NULL THEN
    EXECUTE $v$
      CREATE OR REPLACE VIEW bi.notification_outcomes AS
      SELECT m.message_id,
             encode(sha256(convert_to(k.secret || ':' || m.patientid, 'UTF8')), 'hex') AS patient_key,
             m.channel, m.templateid AS template_id, m.bookingid AS booking_id, m.status, m.at AS sent_at
      FROM public.message_log m CROSS JOIN careflow_private.pseudonym_key k
      WHERE m.direction = 'OUTBOUND' $v$;
  END IF;
END $$;

GRANT SELECT ON ALL TABLES IN SCHEMA bi TO careflow_bi;
