"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py newsportal.wsgi` (README, "TLS and proxies").

gunicorn also reads this file by itself when it is started from the project directory.
Command-line options (--bind, --workers …) override what is set here.
"""

import os

from gunicorn.http import wsgi as gunicorn_http

# The loopback interface only: the TLS proxy in front must be the one way in, because the site
# trusts its X-Forwarded-Proto (BEHIND_TLS_PROXY) and X-Forwarded-For (TRUSTED_PROXY_COUNT).
# Stated here because gunicorn's own default turns into 0.0.0.0 (every interface) whenever PORT is set.
bind = [f"127.0.0.1:{os.environ.get('PORT', '8000')}"]

# Don't name the server software. gunicorn 27 has no setting for its Server header (the
# maintainers declined one, benoitc/gunicorn#825) and writes gunicorn.http.wsgi.SERVER into every
# HTTP/1 and HTTP/2 response; the master reads this file before it forks the workers.
# tests/test_security_headers.py starts gunicorn and fails if an upgrade brings "gunicorn" back.
gunicorn_http.SERVER = "web"
