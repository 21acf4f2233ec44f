"""gunicorn's settings, the same for `make serve`, the Dockerfile and compose
(`gunicorn -c python:clinic.gunicorn clinic.wsgi:application`). The command line adds the
address and the number of workers.

The access log names the method, the path without its query string, the status, the size and
the time taken: query strings carry booking links' tokens and search terms, and the referrer
can carry them too, so neither is logged.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
