"""The machinery of a ClinicalTrials.gov load: a study's rows and the batches of
them read here or in a second process (:mod:`.rows`). The writer and the rules
a load follows are in :mod:`liaison.trials.services`."""

#: Studies stored per transaction (here, so that the command line states it
#: without loading the models).
DEFAULT_BATCH_SIZE = 500
