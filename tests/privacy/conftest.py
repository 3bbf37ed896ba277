from tests.booking.conftest import booking_env, clinic_file, db_url, pg_schema  # noqa: F401  (shared fixtures)
