"""Helpers with no models, shared by every app (layer 0, beside ``core``).

Each is written once here, and apps import it from here, never from another
app:

* :mod:`.bulk`: the bulk-insert engine (plain rows by ``executemany`` or
  ``COPY``; new instances by ``INSERT ... RETURNING``);
* :mod:`.childprocess`: parsing in a second process while this one writes;
* :mod:`.text`: folding names for search, fast JSON;
* :mod:`.httpclient`: the HTTP client with retries and rate limits;
* :mod:`.progress`: the ``ProgressSink`` protocol and the command line's bar;
* :mod:`.cli`: the acting user of a command's ``--as``;
* :mod:`.validation`: Django's ``ValidationError`` as a ``LiaisonError``;
* :mod:`.forms`: shared widgets, run-time choices, domain errors on a form;
* :mod:`.api`: the API's caller, input schemas (no NUL, 64-bit integers), pages,
  codes and ids to records, and a resource's records loaded through the policy
  for its handlers (``Records``);
* :mod:`.private_files`: the data directory's folders (0700) and files (0600),
  whatever the umask.

Nothing here defines a model or a URL. A module may use ``liaison.core``'s
errors, policy and user model where its job needs them (the API helpers, the
CLI's acting user, the form errors); ``core`` imports only what it needs of
these and nothing that imports an app.
"""
