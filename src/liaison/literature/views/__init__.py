"""Library pages, by subject: :mod:`.publications` (search, a publication, loading
PubMed files), :mod:`.references` (my references, reference files in and out).
"""
