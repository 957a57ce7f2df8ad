"""Network clients of the literature's live services, over ``liaison.lib.httpclient``.

``eutils``: NCBI E-utilities (PubMed searches fetched as efetch XML batches).
"""
