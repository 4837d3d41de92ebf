// Runs before every test file: a deterministic environment.
// Tests must never read the developer's real config or secrets.
process.env.NO_COLOR = '';
process.env.FORCE_COLOR = '0';
delete process.env.CONFIGURATION_DIRECTORY;
delete process.env.CREDENTIALS_DIRECTORY;
delete process.env.STATE_DIRECTORY;
delete process.env.JOURNAL_STREAM;
for (const key of Object.keys(process.env)) if (key.startsWith('KMSP_') && !key.startsWith('KMSP_BENCH_')) delete process.env[key];
// Ink reads CI at import time (is-in-ci) and then renders only the last frame and
// ignores resize. .ci/run exports CI=true; the console tests need a user's terminal.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
