"""Directory pages, by subject: :mod:`.records` (HCPs, organizations, affiliations),
:mod:`.transfers` (import and export), :mod:`.nppes` (the NPI Registry look-up).
"""
