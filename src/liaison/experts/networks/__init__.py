"""Co-authorship networks: the pure graph computations (``graph``) and the reads that
build them from the database (``selectors``)."""
