"""The pieces of ``manage.py benchmark`` (issue 17, "fast at city scale").

:mod:`.data` builds the data set with ``bulk_create``, :mod:`.floor` is the minimal Django view
(and the URLconf that adds it) the pages are compared with, :mod:`.measure` drives gunicorn,
wrk, the signup burst, the staff lists and the PDFs, :mod:`.table` prints the figures. None of
it is mounted in the portal's URLs: the floor exists only under the benchmark's gunicorn.
"""
