"""The evidence store for publications: journals, publications, their authorships,
MeSH terms and the trial registry numbers they cite.

Publications are loaded from PubMed (``services.load_records``), keyed on PMID.
They are evidence, not regulated records: no audit trail per row (see
``services`` for why). Several values are kept twice on purpose: as the source
gives them (JSON lists shown on the page, ``publication_types``) and in a form
the library's filters can query on any database (``PublicationType`` rows,
``Authorship.search_name``, ``PublicationMesh`` rows).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from liaison.literature.loading.rows import (
    first_day as first_day,  # re-exported: dates of the models
)


class PublicationKind(models.TextChoices):
    ARTICLE = "article", "Journal article"
    BOOK = "book", "Book or chapter"


class AuthorshipRole(models.TextChoices):
    """What a person named by a publication is: an author (``AuthorList``) or an
    investigator (``InvestigatorList``: a member of the study group that authors it)."""

    AUTHOR = "author", "Author"
    INVESTIGATOR = "investigator", "Investigator"


class Journal(models.Model):
    """A journal (or, for a book record, the book). Known by ISSN, else by title."""

    title = models.CharField(max_length=500, blank=True)
    iso_abbreviation = models.CharField("ISO abbreviation", max_length=300, blank=True)
    issn = models.CharField("ISSN", max_length=20, blank=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issn"], condition=~Q(issn=""), name="journal_unique_issn"
            ),
            models.UniqueConstraint(
                fields=["title"], condition=Q(issn=""), name="journal_unique_title_without_issn"
            ),
        ]
        indexes = [models.Index(fields=["title"], name="journal_title")]

    def __str__(self) -> str:
        return self.title or self.iso_abbreviation or self.issn


class PublicationType(models.Model):
    """A PubMed publication type ("Review", "Randomized Controlled Trial")."""

    name = models.CharField(max_length=200, unique=True)
    ui = models.CharField("UI", max_length=20, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Publication(models.Model):
    """One PubMed record (an article, a book or a chapter), unique by PMID.

    ``version`` and ``content_hash`` decide what a load does: an older version
    changes nothing; a newer one, or the same version with other content (NLM
    re-sends revised records in update files without raising the version),
    replaces the stored record; the same content changes nothing.
    ``published_on`` is the publication date for sorting and filters, the first
    day of the month or year when the source is partial; ``published_text`` is
    the date as written.
    """

    pmid = models.PositiveBigIntegerField("PMID", unique=True)
    version = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=32, editable=False)
    kind = models.CharField(
        max_length=10, choices=PublicationKind.choices, default=PublicationKind.ARTICLE
    )
    title = models.TextField(blank=True)
    vernacular_title = models.TextField(blank=True)
    abstract = models.JSONField(
        default=list, blank=True, help_text="Sections: [{label, category, text}]"
    )
    abstract_text = models.TextField(blank=True)
    # Indexed by publication_journal_date (journal first): no second index to write on load.
    journal = models.ForeignKey(
        Journal,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
        db_index=False,
    )
    volume = models.CharField(max_length=100, blank=True)
    issue = models.CharField(max_length=100, blank=True)
    pages = models.CharField(max_length=100, blank=True)
    published_year = models.PositiveSmallIntegerField(null=True, blank=True)
    published_month = models.PositiveSmallIntegerField(null=True, blank=True)
    published_day = models.PositiveSmallIntegerField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_text = models.CharField(max_length=100, blank=True)
    electronic_date = models.DateField(null=True, blank=True)
    languages = models.JSONField(default=list, blank=True)
    publication_types = models.JSONField(default=list, blank=True, help_text="[{ui, name}]")
    types = models.ManyToManyField(PublicationType, blank=True, related_name="publications")
    keywords = models.JSONField(default=list, blank=True)
    chemicals = models.JSONField(default=list, blank=True)
    grants = models.JSONField(default=list, blank=True)
    doi = models.CharField("DOI", max_length=300, blank=True, db_index=True)
    pmc = models.CharField("PMC", max_length=30, blank=True)
    pii = models.CharField("PII", max_length=200, blank=True)  # shown, never looked up
    comments_corrections = models.JSONField(default=list, blank=True, help_text="[{type, pmid}]")
    is_retracted = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-published_on", "-pmid"]
        indexes = [
            models.Index(fields=["published_on", "pmid"], name="publication_date_order"),
            models.Index(fields=["journal", "published_on"], name="publication_journal_date"),
        ]

    def __str__(self) -> str:
        return f"PMID {self.pmid}: {self.title[:80]}"

    @cached_property
    def authors(self) -> list[Authorship]:
        """The authors in order: the authorships with the author role.

        Filtered here, over ``authorships.all()``, so that it holds whether the
        caller prefetched every authorship or the authors only."""
        return [a for a in self.authorships.all() if a.role == AuthorshipRole.AUTHOR]

    @cached_property
    def investigators(self) -> list[Authorship]:
        """The investigators (``InvestigatorList``) in order; not authors."""
        return [a for a in self.authorships.all() if a.role == AuthorshipRole.INVESTIGATOR]

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"

    @property
    def citation(self) -> str:
        """``Journal. 2019;12(3):45-67`` as far as the record says."""
        journal = self.journal
        source = (journal.iso_abbreviation or journal.title) if journal else ""
        detail = self.published_text or (str(self.published_year) if self.published_year else "")
        if self.volume:
            detail += f";{self.volume}"
        if self.issue:
            detail += f"({self.issue})"
        if self.pages:
            detail += f":{self.pages}"
        return ". ".join(part for part in (source, detail) if part)


class Authorship(models.Model):
    """A person (or group) a publication names: an author, or an investigator of its
    ``InvestigatorList`` (``role``), in list order (``position`` from 1 within the role).

    Authors are what "author" means everywhere a user reads it (the author lists,
    the author filter, exports); investigators are listed apart on the publication
    page and count for expert identification (they name the HCPs who ran a trial).
    ``hcp`` is the directory expert this person is, when known (ORCID match on
    load; identity resolution of the rest is the experts app's).
    ``search_name`` is the accent-free key of the name for the author filter.
    """

    # Indexed by the (publication, role, position) constraint: no second index to write on load.
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="authorships", db_index=False
    )
    role = models.CharField(
        max_length=12, choices=AuthorshipRole.choices, default=AuthorshipRole.AUTHOR
    )
    position = models.PositiveIntegerField()
    family = models.CharField(max_length=300, blank=True)
    given = models.CharField(max_length=300, blank=True)
    initials = models.CharField(max_length=30, blank=True)
    suffix = models.CharField(max_length=30, blank=True)
    collective = models.TextField(blank=True)
    affiliations = models.JSONField(default=list, blank=True)
    orcid = models.CharField("ORCID", max_length=19, blank=True, db_index=True)
    equal_contribution = models.BooleanField(default=False)
    valid = models.BooleanField(default=True)
    search_name = models.CharField(max_length=700, blank=True, editable=False)
    hcp = models.ForeignKey(
        "directory.HCP",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authorships",
        verbose_name="HCP",
    )

    class Meta:
        ordering = ["publication", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "role", "position"], name="authorship_unique_role_position"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.collective:
            return self.collective
        name = " ".join(part for part in (self.given, self.family) if part)
        return f"{name} {self.suffix}" if self.suffix else name


class MeshTerm(models.Model):
    """A MeSH descriptor (``D000001``); a term without UI (old records) is known by name."""

    ui = models.CharField("UI", max_length=20, null=True, blank=True, unique=True)
    name = models.CharField(max_length=300, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "MeSH term"
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(ui__isnull=True),
                name="meshterm_unique_name_without_ui",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PublicationMesh(models.Model):
    """A MeSH heading of a publication: its descriptor, major-topic flag and qualifiers."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="mesh_headings"
    )
    # Indexed by the (term, publication) index below.
    term = models.ForeignKey(
        MeshTerm, on_delete=models.PROTECT, related_name="headings", db_index=False
    )
    major = models.BooleanField(default=False)
    qualifiers = models.JSONField(default=list, blank=True, help_text="[{ui, name, major}]")

    class Meta:
        ordering = ["publication", "id"]
        verbose_name = "MeSH heading"
        indexes = [models.Index(fields=["term", "publication"], name="publicationmesh_term")]

    def __str__(self) -> str:
        return f"{self.term_id}{'*' if self.major else ''}"


class PublicationTrial(models.Model):
    """A trial registry number a publication names (``NCT01234567``).

    The trials app resolves the trial by ``nct_id``; literature does not know trials.
    """

    # Indexed by the (publication, nct_id) constraint.
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="trials", db_index=False
    )
    nct_id = models.CharField("NCT ID", max_length=20, db_index=True)

    class Meta:
        ordering = ["publication", "nct_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "nct_id"], name="publicationtrial_unique"
            )
        ]

    def __str__(self) -> str:
        return self.nct_id


class LibraryItem(models.Model):
    """A reference in one user's own library, imported from their RIS, BibTeX or .nbib file.

    ``publication`` is the PubMed record it was matched to (by PMID, then by
    DOI), or null when the library holds no such record. ``reference`` is the
    entry as read (``literature.reference_formats.Reference`` as JSON). ``fingerprint``
    (``pmid:...``, ``doi:...`` or ``title:<hash>``) makes a second import of
    the same file add nothing.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_items"
    )
    publication = models.ForeignKey(
        Publication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_items",
    )
    reference = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=400)
    source_file = models.CharField(max_length=255, blank=True)
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "publication"],
                condition=Q(publication__isnull=False),
                name="libraryitem_unique_publication",
            ),
            models.UniqueConstraint(
                fields=["owner", "fingerprint"], name="libraryitem_unique_fingerprint"
            ),
        ]

    def __str__(self) -> str:
        title = self.reference.get("title") if isinstance(self.reference, dict) else None
        return str(title or self.fingerprint)[:120]
