-- Runs once, when the postgres container initialises an empty data directory
-- (/docker-entrypoint-initdb.d, executed by psql as the superuser).
-- One database per service, each owned by its own login role, so a service can never read
-- another service's tables. Passwords come from the container environment through psql's
-- \getenv (psql 15+); an unset variable leaves the psql variable unset and the statement fails,
-- which aborts initialisation (ON_ERROR_STOP) instead of creating a role without a password.

\getenv gateway_password CUSTOS_GATEWAY_DB_PASSWORD
\getenv tracking_password CUSTOS_TRACKING_DB_PASSWORD
\getenv registry_password CUSTOS_REGISTRY_DB_PASSWORD
\getenv authz_password CUSTOS_AUTHZ_DB_PASSWORD
\getenv audit_password CUSTOS_AUDIT_DB_PASSWORD

CREATE ROLE custos_gateway LOGIN PASSWORD :'gateway_password';
CREATE ROLE custos_tracking LOGIN PASSWORD :'tracking_password';
CREATE ROLE custos_registry LOGIN PASSWORD :'registry_password';
CREATE ROLE custos_authz LOGIN PASSWORD :'authz_password';
CREATE ROLE custos_audit LOGIN PASSWORD :'audit_password';

CREATE DATABASE custos_gateway OWNER custos_gateway;
CREATE DATABASE custos_tracking OWNER custos_tracking;
CREATE DATABASE custos_registry OWNER custos_registry;
CREATE DATABASE custos_authz OWNER custos_authz;
CREATE DATABASE custos_audit OWNER custos_audit;

-- PUBLIC gets CONNECT and TEMPORARY on new databases by default; only the owner may connect.
REVOKE ALL ON DATABASE custos_gateway FROM PUBLIC;
REVOKE ALL ON DATABASE custos_tracking FROM PUBLIC;
REVOKE ALL ON DATABASE custos_registry FROM PUBLIC;
REVOKE ALL ON DATABASE custos_authz FROM PUBLIC;
REVOKE ALL ON DATABASE custos_audit FROM PUBLIC;
