-- Creates the OpenCashier role and database on PostgreSQL (13 or newer).
-- Run as a superuser, once:
--   psql -v password="'$(openssl rand -base64 24)'" -v readonly_password="'$(openssl rand -base64 24)'" -f deploy/create-database.sql
-- (psql echoes neither), then put the first password in OPENCASHIER_DATABASE_URL
-- (/etc/opencashier/opencashier.env) and the second in the backup job's ~/.pgpass (0600).
--
-- The gateway's role owns its database and nothing else: it creates its own
-- tables (migrations run at start), needs no superuser right, and no other
-- role may connect.

CREATE ROLE opencashier LOGIN PASSWORD :password
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
  CONNECTION LIMIT 200;

CREATE DATABASE opencashier OWNER opencashier ENCODING 'UTF8' TEMPLATE template0;

REVOKE ALL ON DATABASE opencashier FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE opencashier TO opencashier;

\connect opencashier
-- Only the gateway's role may create objects in the public schema (the default since PostgreSQL 15).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO opencashier;

-- A role for backups and reports that reads and never writes (pg_dump works with it).
CREATE ROLE opencashier_readonly LOGIN PASSWORD :readonly_password NOSUPERUSER;
GRANT CONNECT ON DATABASE opencashier TO opencashier_readonly;
GRANT USAGE ON SCHEMA public TO opencashier_readonly;
ALTER DEFAULT PRIVILEGES FOR ROLE opencashier IN SCHEMA public GRANT SELECT ON TABLES TO opencashier_readonly;

-- TLS: the nodes connect with sslmode=verify-full. On the server, in
-- postgresql.conf:   ssl = on, ssl_cert_file, ssl_key_file (0600, owned by postgres)
-- and in pg_hba.conf, refuse anything but TLS with a password for this role:
--   hostssl  opencashier  opencashier           10.0.0.0/8  scram-sha-256
--   hostssl  opencashier  opencashier_readonly  10.0.0.0/8  scram-sha-256
--   host     opencashier  all                   0.0.0.0/0   reject
-- then: SELECT pg_reload_conf();
