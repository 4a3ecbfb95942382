"""Settings for the test suite: the real settings in development mode, with a throwaway data directory."""

import os
import tempfile

os.environ.setdefault("GROEIMODEL_DEBUG", "true")
os.environ.setdefault("GROEIMODEL_DATA_DIR", tempfile.mkdtemp(prefix="groeimodel-test-"))

from groeimodel.web.settings import *  # noqa: F403

# Hashing with argon2 on every persona would dominate the run; production hashing is tested on its own.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False  # templates and error pages as in production
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# The browser tests' live server answers requests in threads, as gunicorn does. Django's default SQLite test
# database lives in memory with a shared cache, whose table locks fail at once ("database table is locked") where
# the real file database waits for the writer; a file keeps the tests as the product runs.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

# tests/web/test_submit_faults.py: a server started with these settings pauses in the middle of writing a submitted
# response's score rows (groeimodel.web.scans.faults), after touching the marker file, so the test can kill it there.
TEST_SUBMIT_PAUSE_SECONDS = float(os.environ.get("GROEIMODEL_TEST_SUBMIT_PAUSE", "0"))
TEST_SUBMIT_PAUSE_MARKER = os.environ.get("GROEIMODEL_TEST_SUBMIT_PAUSE_MARKER", "")

# The benchmark's index is built while the request waits, so that every test sees its own change at once (a thread
# would not see a test's uncommitted rows); tests/web/test_benchmark_page.py tests the background build apart.
BENCHMARK_STALE_SECONDS = 0
