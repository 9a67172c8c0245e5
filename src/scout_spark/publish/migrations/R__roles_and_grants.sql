-- Repeatable: re-run whenever it changes or a versioned migration was applied, so every
-- dashboard table is covered. Roles are cluster-wide and created only when missing (a DBA
-- may create them instead); both are NOLOGIN groups: grant them to login roles.
--   scout_dashboard: reads the dashboard schema, nothing else.
--   scout_publisher: reads and writes rows of the dashboard tables (never their shape) and
--                    creates the temporary tables a publish stages keyed rows in.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'scout_dashboard') THEN
        CREATE ROLE scout_dashboard NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'scout_publisher') THEN
        CREATE ROLE scout_publisher NOLOGIN;
    END IF;
END
$$;

DO $$
DECLARE
    target text := current_schema();
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO scout_dashboard, scout_publisher', target);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO scout_dashboard', target);
    EXECUTE format(
        'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO scout_publisher',
        target
    );
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON %I.schema_migrations FROM scout_publisher',
        target);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO scout_publisher', target);
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO scout_publisher', current_database());
END
$$;
