"""The machinery of a PubMed load: rows built from parsed records (:mod:`.rows`),
batches of them read here or in a second process (:mod:`.batches`), and the
writer that stores them (:mod:`.writer`). The rules a load follows are in
:mod:`liaison.literature.services`."""

#: Records stored per transaction (here, not in the writer, so that the command
#: line states it without loading the models).
BATCH_SIZE = 1000
