"""Helpers with no models, shared by every app (layer 0, beside ``core``).

Nothing here defines a model or a URL. A module may use ``liaison.core``'s
errors, policy and user model where its job needs them (the API helpers, the
CLI's acting user); ``core`` imports only the model-free modules.
"""
