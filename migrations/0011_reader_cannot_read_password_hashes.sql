-- The reader role of sql/roles.sql (pull-request CI) could read
-- users.password_hash: scrypt hashes of temporary passwords, some chosen by
-- people (password.fromEnv) and so open to offline guessing by anyone whose
-- pull request runs code in that job. No command reads the column (apply only
-- writes it). The reader now reads every column of users but that one, and so
-- does the writer, which inherits the reader's privileges.
--
-- Here as well as in sql/roles.sql, for tenants whose roles.sql predates this;
-- only where the reader holds SELECT on the whole table (roles.sql ran in this
-- database), so nothing is granted where nothing was. Column grants name their
-- columns: a migration that adds a column to users grants it to the reader
-- the same way.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_reader') THEN
    IF has_table_privilege('tenantctl_reader', 'users', 'SELECT') THEN
      REVOKE SELECT ON users FROM tenantctl_reader;
      GRANT SELECT (id, user_principal_name, domain, display_name, given_name, surname, mail_nickname,
        account_enabled, job_title, department, mobile_phone, business_phones, street_address, city, state,
        postal_code, country, usage_location, password_set_at, password_expires_at, force_change_password,
        password_reset_token, managed, created_at, updated_at, updated_by, deleted_at, password_temporary)
        ON users TO tenantctl_reader;
    END IF;
  END IF;
END $$;
