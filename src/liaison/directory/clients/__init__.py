"""Network clients of the directory's live services, over ``liaison.lib.httpclient``.

``nppes``: the NPI Registry API 2.1.
"""
