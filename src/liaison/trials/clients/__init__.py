"""Network clients of the trials' live services, over ``liaison.lib.httpclient``.

``ctgov``: the ClinicalTrials.gov API v2 (``/api/v2/studies`` page by page).
"""
