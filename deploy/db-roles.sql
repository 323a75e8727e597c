-- The tracker's three PostgreSQL roles, and what each may do. Run as a superuser on the tracker's
-- database before the first `migrate` and again after every `migrate` (it is idempotent):
--
--   psql -v ON_ERROR_STOP=1 -d tracker -f deploy/db-roles.sql
--   psql -v ON_ERROR_STOP=1 -v owner=o -v app=a -v archiver=r -d tracker -f deploy/db-roles.sql
--
-- owner    (tracker_owner)    owns the tables: `migrate` runs as it, nothing else does.
-- app      (tracker_app)      the app servers and daily jobs: reads and writes the data, but on
--                             the audit tables may only INSERT and SELECT (records) and SELECT
--                             (archive anchors); owns nothing, so it cannot disable a trigger.
-- archiver (tracker_archiver) `archive_audit` alone: the same as the app on the audit tables,
--                             and EXECUTE on targets_audit_archive, the one way records leave.
--
-- The roles are made without a password: set one (\password tracker_app) or use peer or
-- certificate authentication, and give each its own DATABASE_URL.

\if :{?owner}
\else
\set owner tracker_owner
\endif
\if :{?app}
\else
\set app tracker_app
\endif
\if :{?archiver}
\else
\set archiver tracker_archiver
\endif

SELECT format('CREATE ROLE %I LOGIN', name)
  FROM unnest(ARRAY[:'owner', :'app', :'archiver']) AS name
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) \gexec

SELECT format('GRANT CONNECT ON DATABASE %I TO %I, %I, %I',
              current_database(), :'owner', :'app', :'archiver') \gexec
GRANT USAGE, CREATE ON SCHEMA public TO :"owner";
GRANT USAGE ON SCHEMA public TO :"app", :"archiver";

SELECT to_regclass('public.targets_auditrecord') IS NOT NULL AS migrated \gset
\if :migrated

-- Everything the migrations made belongs to the owner (also when an earlier `migrate` ran as
-- another role); the sequences of identity columns follow their tables.
SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename, :'owner')
  FROM pg_tables WHERE schemaname = 'public' AND tableowner <> :'owner' \gexec
SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, :'owner')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public' AND p.proname LIKE 'targets\_audit\_%'
   AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = :'owner') \gexec

-- The app: data in and out of every table, and tables the owner makes later too.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";

-- The audit trail: append and read only.
REVOKE ALL ON targets_auditrecord, targets_auditarchive, targets_audit_removal
    FROM PUBLIC, :"app", :"archiver";
GRANT SELECT, INSERT ON targets_auditrecord TO :"app", :"archiver";
GRANT SELECT ON targets_auditarchive TO :"app", :"archiver";
SELECT format('GRANT USAGE ON SEQUENCE %s TO %I, %I',
              pg_get_serial_sequence('targets_auditrecord', 'id'), :'app', :'archiver') \gexec

-- Retention: only the archiving role (and the owner) may remove archived records.
REVOKE ALL ON FUNCTION targets_audit_archive(bigint, bigint, text, timestamptz, text, text, text)
    FROM PUBLIC, :"app";
GRANT EXECUTE ON FUNCTION targets_audit_archive(bigint, bigint, text, timestamptz, text, text, text)
    TO :"archiver";
REVOKE ALL ON FUNCTION targets_audit_append_only() FROM PUBLIC;
\else
\echo Roles ready: now run manage.py migrate as the owner, then this script again.
\endif
