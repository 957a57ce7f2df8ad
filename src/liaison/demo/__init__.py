"""The composition on top of every app: the demo world and ``liaison serve``.

:mod:`liaison.demo.world` builds the demo world (``liaison demo``, and the
first run of ``liaison serve``) from the steps each app declares. This package
is an installed app: nothing is imported here, so Django can load it before
the models are ready.
"""
