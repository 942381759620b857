-- Who may read what in the sink database; run by a superuser (or the database owner) in that database, after the roles
-- exist, on every deployment and again on every upgrade (safe to run again):
--   ${SINK_ROLE}       the sink connectors' login: creates and writes the sink tables in public, and nothing else.
--   careflow_bi_owner  owns schema bi (the views), schema careflow_private and the pseudonymisation key in it; runs the
--                      BI migration (connectors/sql/bi). It reads every sink table, present and future.
--   careflow_bi        (NOLOGIN) what BI users are granted: the bi views, not the key, not the sink tables.
-- So the sink login, whose password the Connect workers hold, cannot read the key the patient pseudonyms are made with.

DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${SINK_ROLE}, careflow_bi_owner, careflow_bi', current_database());
  EXECUTE format('GRANT CREATE ON DATABASE %I TO careflow_bi_owner', current_database());
END $$;

GRANT USAGE, CREATE ON SCHEMA public TO ${SINK_ROLE};
GRANT USAGE ON SCHEMA public TO careflow_bi_owner;

-- Tables made in public by anyone else before (an older local stack ran its sinks as the superuser) become the sink's.
DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind = 'r' AND pg_get_userbyid(c.relowner) <> '${SINK_ROLE}' LOOP
    EXECUTE format('ALTER TABLE public.%I OWNER TO ${SINK_ROLE}', t.relname);
  END LOOP;
END $$;

GRANT SELECT ON ALL TABLES IN SCHEMA public TO careflow_bi_owner;
ALTER DEFAULT PRIVILEGES FOR ROLE ${SINK_ROLE} IN SCHEMA public GRANT SELECT ON TABLES TO careflow_bi_owner;

CREATE SCHEMA IF NOT EXISTS careflow_private AUTHORIZATION careflow_bi_owner;
CREATE SCHEMA IF NOT EXISTS bi AUTHORIZATION careflow_bi_owner;
ALTER SCHEMA careflow_private OWNER TO careflow_bi_owner;
ALTER SCHEMA bi OWNER TO careflow_bi_owner;
REVOKE ALL ON SCHEMA careflow_private FROM PUBLIC;
REVOKE ALL ON SCHEMA bi FROM PUBLIC;
GRANT USAGE ON SCHEMA bi TO careflow_bi;

-- The key and the views made by an older migration (run as the sink login or a superuser) become the BI owner's.
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname IN ('bi', 'careflow_private') AND c.relkind IN ('r', 'v')
             AND pg_get_userbyid(c.relowner) <> 'careflow_bi_owner' LOOP
    EXECUTE format('ALTER %s %I.%I OWNER TO careflow_bi_owner', CASE r.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
      r.nspname, r.relname);
  END LOOP;
END $$;
REVOKE ALL ON ALL TABLES IN SCHEMA careflow_private FROM PUBLIC, ${SINK_ROLE}, careflow_bi;
