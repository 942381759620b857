-- Sample master data for a local stack: run after V1__masterdata.sql and V2__facilities.sql.
-- Phone numbers are in the +44 7700 900xxx range, which Ofcom reserves for drama: they reach nobody.

INSERT INTO public.facilities (facility_id, name, active, accepts_self_triage, time_zone, oncall_webhook_url, oncall_email) VALUES
    ('clinic-north', 'North Clinic', true, true,  'Europe/London', NULL, 'oncall-north@example.org'),
    ('clinic-south', 'South Clinic', true, false, 'Europe/London', NULL, NULL);

INSERT INTO public.providers (provider_id, facility_id, display_name, time_zone, slot_minutes, appointment_types) VALUES
    ('dr-okafor', 'clinic-north', 'Dr Ada Okafor',  'Europe/London', 30, 'new-patient, follow-up'),
    ('dr-hughes', 'clinic-north', 'Dr Rhys Hughes', 'Europe/London', 30, 'follow-up, telephone'),
    ('np-patel',  'clinic-south', 'Priya Patel, nurse practitioner', 'Europe/London', 30, 'new-patient, follow-up, vaccination');

INSERT INTO public.provider_schedules (provider_id, weekday, start_time, end_time) VALUES
    ('dr-okafor', 'MONDAY',    '09:00', '12:30'),
    ('dr-okafor', 'MONDAY',    '13:30', '17:00'),
    ('dr-okafor', 'WEDNESDAY', '09:00', '12:30'),
    ('dr-okafor', 'FRIDAY',    '09:00', '13:00'),
    ('dr-hughes', 'TUESDAY',   '08:30', '12:00'),
    ('dr-hughes', 'THURSDAY',  '13:00', '18:00'),
    ('np-patel',  'MONDAY',    '08:00', '11:00'),
    ('np-patel',  'TUESDAY',   '08:00', '11:00'),
    ('np-patel',  'SATURDAY',  '09:00', '12:00');

INSERT INTO public.patient_contacts (patient_id, phone, email, preferred_channel, language, time_zone, consent_granted, consent_at) VALUES
    ('p-1001', '+447700900101', NULL,                   'WHATSAPP', 'en-GB', 'Europe/London', true,  '2026-10-01T09:15:00Z'),
    ('p-1002', '+447700900102', 'p1002@example.org',    'SMS',      'cy-GB', 'Europe/London', true,  '2026-10-02T14:00:00+01:00'),
    ('p-1003', NULL,            'p1003@example.org',    'EMAIL',    'en-GB', 'Europe/London', true,  '2026-10-05T11:30:00Z'),
    ('p-1004', '+447700900104', NULL,                   NULL,       'pl-PL', 'Europe/London', false, '2026-10-07T16:45:00Z');
