"""Whether an event word in a sentence is said to have happened (NegEx/ConText-style rules).

An event word found by the lexicon is **asserted** unless a trigger puts it in
one of these contexts, each with its own scope:

========== =================================== ==================================
status     triggers (examples)                 scope
========== =================================== ==================================
figurative "give her a headache", "the          the idiom itself
           projector died", "sick of", "the
           process is painful", "a real pain"
negated    no, not, denied, without, free of,  before the event: up to 5 content
           ruled out, no evidence of           words, within the clause; after:
           ...; after: "none", "not seen",     "rash: none", "was ruled out",
           "was ruled out", "-free"            "seizure-free"
family     her mother, Dr. Kim's father,       the clause, up to 3 content words
           family history of; my colleague,
           the rep (not a patient either)
reporter   "Dr. Perez had a headache"          only an article or adjective
                                               between: the HCP's own illness
historical history of, h/o, PMH, pre-existing, the clause ("prior to", "before
           known, baseline, longstanding,      starting": to the clause's hard end)
           prior to; after: "before starting",
           "long before", "as a child", "from
           her previous chemo"
hypothesis if, in case of, should a patient,   the clause
           could cause, risk of, monitor for,
           to prevent, to catch, how to, be
           aware of, would consider, trying to;
           in a question: "a pt who ..."
inquiry    asked about/if/whether, wanted to   to the hard end of the clause, and
           know, guidance on, worried,         the whole of a question; undone
           lectured on, symposium on; a        by a patient or an occurrence after it
           question
general    the label, SmPC, known, common,     the sentence; undone by a patient
           usually, class effect, data,        or an occurrence anywhere in it
           profile, fewer ... than
statistic  12%, incidence, rate, median,       the sentence; undone only by a
           trial, study, phase 3, cohort       patient of the reporter's
========== =================================== ==================================

Clauses end at hard terminators (";", ":", but, however, although, despite,
because, due to, then, "and she") and at soft ones (",", " - "); a soft end
does not cut a list of events ("denied nausea, vomiting or diarrhoea": the
negation covers the three). Pseudo-triggers are not triggers: "not only",
"no longer", "not severe", "could not be ruled out", "does not think ... was
related" (the reporter's causality does not remove the event), "his wife
reported" (a relative telling of the patient). A trigger that
is part of an event word ("did not work", "not as prescribed") is no trigger.

Decisions, so that recall comes first:

* An event told in the past with our product is asserted: "she had a rash on
  Onvexa last year" is a report heard today (Day 0 is today).
* Medical history ("history of", "pre-existing", "at baseline", "before
  starting") and a relative's illness ("her father died of a stroke") are not
  events of the patient on our product.
* An HCP's own illness ("Dr. Perez had a headache") is not a patient's event.
* Label, trial and literature statements are not reports; a patient's event
  mentioned beside them is ("her patient developed a rash, a known side effect").
* A question about risk is not a report; a question about a patient's actual
  event is ("what should she do about her patient's rash?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from liaison.safety.screening.lexicon import Event


class Status(StrEnum):
    """What a sentence says of an event word."""

    ASSERTED = "asserted"
    FIGURATIVE = "figurative"
    NEGATED = "negated"
    FAMILY = "family"
    REPORTER = "reporter"
    HISTORICAL = "historical"
    HYPOTHETICAL = "hypothetical"
    INQUIRY = "inquiry"
    GENERAL = "general"
    STATISTIC = "statistic"


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alternatives) + r")(?![a-z0-9])")


PSEUDO = _words(
    r"not only",
    r"no longer",
    r"not necessarily",
    r"no doubt",
    r"not just",
    r"not until",
    r"not long after",
    r"not (?:a |an |very |too |that |particularly )?(?:severe|serious|major|significant|big|bad"
    r"|worrying|concerning|grave|life[- ]threatening|mild)",
    r"not (?:sure|certain|clear)|unsure|unclear",
    r"(?:do|does|did)(?: not|n't) (?:think|believe|consider|feel|know)",
    r"not (?:\w+[- ])?related|no (?:clear |causal )?(?:link|relationship|causal)",
    r"(?:can|could|cannot|can't|couldn't)(?: not)? (?:be )?(?:ruled out|excluded)",
    r"not (?:be |been )?(?:ruled out|excluded)",
    r"no injur(?:y|ies)",
    # A relative who reports is not the one the event happened to.
    r"(?:wife|husband|mother|father|mum|mom|dad|son|daughter|sister|brother|partner|colleague"
    r"|co-?worker|manager|rep)"
    r" (?:reported|reports|said|says|called|phoned|told|mentioned|noticed|wrote)",
)
#: Event words in idioms: "the forms give her a headache", "the projector died".
FIGURATIVE = _words(
    r"(?:gives?|giving|gave|gets?|got) (?:her|him|me|us|them|everyone|everybody) (?:a )?headaches?",
    r"sick (?:of|and tired)",
    r"(?:projector|laptop|computer|phone|battery|car|printer|engine|server|screen|idea|project"
    r"|deal|conversation|discussion) (?:had |has |just )?died",
    r"dying to|killing (?:me|her|him)",
    r"(?:process|paperwork|forms?|reimbursement|admin|system|access|approval|negotiations?"
    r"|traffic|meeting|call|budget|tender) (?:[a-z]+ )?(?:is|was|are|were|has been|had been)"
    r" (?:so |really |very |quite |a bit |a )?(?:painful|pain|headache|nightmare)",
    r"pain in the (?:neck|backside|arse|butt)|(?:a real|such a|a total|a bit of a|a royal) pain",
    r"(?:is|was|are|were|has been|had been|be) (?:a |an )?(?:real |total |complete |absolute |bit"
    r" of a |such a )?(?:nightmare|headache)",
)
NEGATION = _words(
    r"no",
    r"not",
    r"[a-z]+n't",
    r"cannot",
    r"without",
    r"w/o",
    r"never",
    r"none",
    r"nor",
    r"neither",
    r"nothing",
    r"nobody|no one",
    r"zero",
    r"den(?:y|ies|ied|ying)",
    r"negative for",
    r"free (?:of|from)",
    r"absence of",
    r"rule[sd]? out|ruling out|r/o",
    r"excluded",
    r"unaware of",
    r"yet to (?:see|observe|encounter|have|come across)",
)
#: Right after an event: "seizure-free", "pain free" (free of it, not a dose given free).
FREE_OF = re.compile(r"[\s-]?free(?![a-z0-9])(?! of| from)")
#: Right before an event: "previous DVT", "an old fracture" (history, said in one word).
PREVIOUS = re.compile(r"(?<![a-z0-9])(?:previous|past|old|earlier|former|remote)(?: [a-z]+)?\s*$")
#: After an event: "rash: none", "pneumonitis was ruled out", "test negative".
POST_NEGATION = re.compile(
    r"[\s:=\-]*(?:(?!(?:but|however|although|though|yet|and|or|which|that|who)\b)[a-z0-9'/]+"
    r"[\s:=\-]+){0,3}?(?:(?:was|were|is|are|has been|have been|had been) )?(?:none|nil|denied"
    r"|negative|absent|excluded|ruled out|unremarkable|normal|not (?:reported|seen|observed|noted"
    r"|found|present|detected|experienced|an issue|a problem|in (?:her|his|their|my) "
    r"(?:pts|patients)))(?![a-z0-9])"
)
FAMILY = _words(
    r"family history|fhx",
    r"(?:her|his|their|my|[a-z]+'s|the patient's) (?:grand)?(?:mother|father|parents?"
    r"|mum|mom|dad|sisters?|brothers?|siblings?|aunt|uncle|cousin|husband|wife|son|daughter)",
    # Colleagues of the reporter's: their illness is not a patient's either.
    r"(?:my|our|a|the|her|his) (?:colleague|co-?worker|manager|boss|(?:sales |field )?rep"
    r"|secretary|assistant|receptionist)s?",
)
REPORTER = _words(
    r"(?:dr|prof|doctor)\.? (?![a-z-]+'s )[a-z'-]+ (?:had|has|was|is|felt|feels|got|looked|seemed)",
    r"the hcp (?:had|has|was|is|felt|feels|got)",
    # The MSL writing the note: "I had a migraine and cut the visit short."
    r"(?:^|(?<=[.;:] ))i (?:had|have|was|am|felt|feel|got)",
)
#: Between a reporter trigger and the event: nothing but an article or an adjective.
REPORTER_GAP = re.compile(
    r"(?:\s+(?:a|an|the|some|bad|terrible|mild|severe|slight|sudden|bit of))*\s*"
)
HISTORY = _words(
    r"history of|hx of|h/o|pmh|past medical history",
    r"pre-?existing",
    r"known",
    r"at baseline|baseline",
    r"prior(?! to)",
    r"longstanding|long-standing|lifelong",
)
#: History leads whose scope crosses commas: "Prior to Onvexa, pt was hospitalised".
HISTORY_LEAD = _words(
    r"prior to",
    r"before (?:starting|initiating|initiation|beginning|treatment|therapy|the first dose"
    r"|switching to|changing to|moving to)",
)
POST_HISTORY = re.compile(
    r"[\s,]*(?:[a-z0-9'/]+[\s,]+){0,4}?(?:before (?:starting|initiating|initiation|beginning"
    r"|treatment|therapy|the first dose|switching to|changing to|moving to"
    r"|[a-z]+ (?:initiation|start))|prior to|at baseline"
    r"|pre-?dat(?:ed|es|ing)|(?:long|well|years|months|way) before|as a (?:child|teenager|kid|baby)|in (?:her|his|their) (?:childhood|youth"
    r"|teens)|since childhood|(?:years|decades) (?:before|earlier)|from (?:(?:her|his|their|the) )?"
    r"(?:previous|prior|earlier|former|old) [a-z]+)(?![a-z0-9])"
)
HYPOTHESIS = _words(
    r"if",
    r"unless",
    r"in case(?: of)?",
    r"in the (?:unlikely |rare )?event(?: of| that)?",
    r"what if",
    r"should (?:a|the|any|your|her|his|their) (?:patient|pt|woman|man|nurse|child)",
    r"(?:can|could|may|might|will|would|does|do) (?:\w+ )?(?:cause|lead to|trigger|induce"
    r"|result in|produce|give|increase|worsen|raise|be associated with|be linked to|explain)",
    r"risks? (?:of|for)|at risk",
    r"(?:rates?|incidence|frequency|likelihood|chance|odds|proportion|prevalence) of",
    r"monitor(?:ed|ing|s)?(?: \w+){0,2} for",
    r"watch(?:ing)?(?: out)? for|look(?:ing)? out for",
    r"(?:screen|check|test|inspect)(?:ed|ing|s)?(?: [a-z']+){0,3}? for",
    r"to (?:catch|detect|spot|pick up|identify)|early detection",
    r"would (?:consider|recommend|suggest|prefer|use|opt|advise|treat|manage)",
    r"(?:might|may|could|would|will) (?:try|use|start|give|consider|prescribe)",
    r"trying to (?:get|become|fall)|planning (?:a|her|his|their|to)",
    r"prevent(?:s|ed|ing|ion of|ion)?",
    r"prophyla(?:xis|ctic)",
    r"avoid(?:s|ed|ing)?",
    r"to reduce|reduc(?:e|ing) the risk|minimi[sz](?:e|es|ing)",
    r"management of",
    r"how to",
    r"recogni[sz](?:e|ing)",
    r"report any",
    r"potential(?:ly)?",
    r"would you",
    r"premedicat(?:e|es|ed|ing|ion)",
    r"counsel(?:s|led|ling|ed|ing)?",
    r"advis(?:e|es|ed|ing)",
    r"educat(?:e|es|ed|ing|ion|ional)",
    r"told to|instruct(?:ed|ions?)?|remind(?:ed|er)?",
    r"keep(?:s|ing)? an eye (?:out )?(?:for|on)|look(?:s|ing)? for",
    r"(?:be |stay |remain )?(?:aware|alert|vigilant) (?:of|to|for)",
    r"warning signs?|red flags?|signs and symptoms",
    r"suppos(?:e|ing)|assum(?:e|ing)|hypothetical(?:ly)?|theoretical(?:ly)?",
    r"(?:pts|patients|anyone|those|people|someone) (?:who|that) (?:develops?|gets?|experiences?"
    r"|has|have)",
)
#: In a question, "a patient who ..." is a case imagined: "can it be given to a pt who had a rash?"
IMAGINED_PATIENT = _words(
    r"(?:a|an|any) (?:pt|patient|woman|man|child|person) (?:who|with|that)",
)
INQUIRY = _words(
    r"ask(?:s|ed|ing)?(?: \w+)? (?:about|if|whether|for|how|what|why|when|which)",
    r"question(?:s|ed)?(?: \w+)? (?:about|on|regarding|re|for)",
    r"(?:in|en)quir(?:y|ies|ed|es|ing)",
    r"want(?:s|ed)? to know",
    r"wonder(?:s|ed|ing)?",
    r"curious",
    r"interested in",
    r"(?:guidance|advice|information|info|slides|materials?|leaflets?|letters?|response"
    r"|training|reprints?|publications?|papers?) (?:on|about|regarding|for|in)",
    r"discuss(?:ed|ing)? (?:how|whether|why|the risk)",
    r"explain(?:s|ed|ing)? (?:how|why|the|that)",
    r"how (?:common|often|frequent|frequently|long|should|do|does|is|are|much|many)",
    r"what (?:is|are|about|to do|happens)",
    r"is there|are there",
    r"(?:discussion|talk|presentation|lecture|session|webinar|meeting)s? (?:about|on|of|regarding)",
    r"any (?:data|recommendations?|advice|guidance|experience)",
    r"whether",
    r"concern(?:s|ed)? (?:about|that|over|with)|worr(?:y|ied|ies|ying) (?:about|that)",
    r"fears?|feared|afraid|worr(?:y|ied|ies|ying)",
    r"(?:lectur|present|talk|teach|speak)(?:ed|es|s|ing)? (?:on|about)|(?:spoke|taught|gave a"
    r" (?:talk|lecture)) (?:on|about)",
    r"(?:symposi(?:um|a)|workshops?|courses?|trainings?|congress|conferences?|seminars?"
    r"|grand rounds|journal club|modules?|videos?|podcasts?)(?: [a-z]+)? (?:on|about|of|regarding)",
    r"request(?:s|ed)?|would like|'d like|wants?",
)
GENERAL = _words(
    # "on the label" is the one on the box, not the prescribing information.
    r"(?<!on the )(?:label(?:l?ed|s)?|label(?:l)?ing)|smpc|uspi|pi|prescribing information",
    r"package insert",
    r"product information|warn(?:s|ing|ings)?|rems|class effect",
    r"known|common(?:ly)?|rare(?:ly)?|uncommon|frequent(?:ly)?|usually|typically|generally"
    r"|in general|often|mostly|tends? to",
    r"expected|listed|lists|profile|manageable|well tolerated|contraindicat(?:ed|ion|ions)",
    r"fewer|less|lower|higher|than|compared (?:with|to)|versus|vs",
    r"publications?|papers?|posters?|abstracts?|analysis|literature|guidelines?|data|slides"
    r"|algorithms?|protocol|section|registry|materials?|mechanism|safety update|advisory board"
    r"|dsmb",
    r"causes",
    r"in (?:her|his|their) (?:view|experience|opinion)",
    r"believes?|thinks?|opinion|perception|perceived|over-?estimated|under-?estimated",
    r"class[- ]wide|case (?:series|reports?)",
    r"(?:for|in) (?:\w+ )?(?:pts|patients) (?:with|who)",
    r"leads? (?:some )?(?:\w+ )?to",
)
#: After an event: "rash management", "nausea risk", "headache is common".
POST_GENERAL = re.compile(
    r"[\s-]*(?:(?:[a-z]+ )?(?:management|guidance|prophylaxis|prevention|risks?|rates?"
    r"|incidence|frequency|profile|data|grading|algorithm|leaflet|protocol|monitoring|education"
    r"|mitigation|strateg(?:y|ies)|guidelines?|registry|categor(?:y|ies)|questions?|testing"
    r"|test|plans?|potential|liability|section|warnings?|symptoms|onset)"
    r"|(?:[a-z0-9]+ ){0,3}?(?:is|are|was|were|being|remains?) (?:very |more |less |quite "
    r"|fairly |not )?(?:common|rare|frequent|uncommon|expected|typical|usual|listed"
    r"|labell?ed|described|manageable|recommended|contraindicated|to be avoided))(?![a-z0-9])"
)
STATISTIC = _words(
    r"\d+(?:\.\d+)? ?%|percent|per cent",
    r"incidence|rates?|median|mean|proportion|hazard ratio|odds ratio",
    r"trials?|stud(?:y|ies)|phase (?:[1-4]|i{1,3}|iv)|pivotal|cohort|pooled|meta-analysis",
    r"(?:control|placebo|treatment|comparator|experimental|study) arms?",
    r"real[- ]world (?:data|evidence)|rwe",
)
#: A patient of the reporter's: undoes general and statistical readings.
PATIENT = _words(
    r"(?:her|his|their|my|one|a|this|the|that) (?:\d+[ -]?(?:yo|y/o|year[ -]old) )?"
    r"(?:pt|patient)(?!s)",
    r"pt",
    r"(?:one|two|three|four|five|several|some|\d+) of (?:her|his|their|my|our) (?:pts|patients)",
    r"(?:pt|patient) of (?:hers|his|theirs|mine|dr)",
    r"(?:mr|mrs|ms)\.? [a-z]",
    r"\d+[ -]?(?:yo|y/o|year[ -]old)",
    r"(?:her|his) (?:pts|patients) on",
)
#: Words of something that happened: undo inquiry and general readings.
OCCURRENCE = _words(
    r"developed|experienced|suffered|presented with|came (?:in|back) with",
    r"complain(?:ed|s)|c/o|got|ended up|went to",
    r"presented to (?:the )?(?:er|ed|a&e|emergency|hospital|clinic|gp|surgery|urgent care)",
    r"(?:had|has had|have had) (?:a|an|some|grade|severe|mild|\d)",
)
HARD_END = re.compile(
    r"[;:]|"
    + _words(
        r"but",
        r"however",
        r"although",
        r"though",
        r"yet",
        r"except",
        r"apart from",
        r"aside from",
        r"whereas",
        r"while(?! (?:on|taking|receiving|being|using))",
        r"despite",
        r"in spite of",
        r"due to",
        r"because",
        r"b/c",
        r"owing to",
        r"then",
        r"later",
        r"subsequently",
        r"so(?! far)",
        r"and (?:then|later|now|she|he|they|the (?:pt|patient)|pt|patient)",
    ).pattern
)
SOFT_END = re.compile(r",|\s[-\u2013]\s|\(|\)")
#: What may stand between two events of a list: "nausea, vomiting or diarrhoea".
LIST_GLUE = re.compile(
    r"[\s,/&+]*(?:(?:and|or|nor|and/or|as well as|plus)\s+)?(?:(?:any|some|no|other|mild"
    r"|moderate|severe|significant|new|further|grade \d)\s+)?"
)
_WORD = re.compile(r"[a-z0-9']+")
#: Words that do not count in a negation's window.
FILLER = frozenset({
    "a", "an", "the", "any", "of", "her", "his", "their", "its", "my", "our", "your", "this",
    "that", "these", "those", "some", "all", "on", "in", "with", "to", "and", "or", "at", "by",
    "for", "from", "was", "were", "is", "are", "be", "been", "so", "far", "such", "other",
    "further", "new", "more", "ever", "single", "one",
})  # fmt: skip
NEGATION_WINDOW = 5
FAMILY_WINDOW = 3
HISTORY_WINDOW = 4


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


def _overlaps(span: tuple[int, int], others: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def _content_words(text: str) -> int:
    return sum(1 for word in _WORD.findall(text) if word not in FILLER)


class _Sentence:
    """One folded sentence, its triggers found once for all its events."""

    def __init__(self, text: str, events: Sequence[Event]) -> None:
        self.text = text
        taken = [(event.start, event.end) for event in events]
        pseudo = _spans(PSEUDO, text)
        inquiry = self._triggers(INQUIRY, taken)
        self.triggers: dict[Status, list[tuple[int, int]]] = {
            Status.NEGATED: self._triggers(NEGATION, [*taken, *pseudo]),
            Status.FAMILY: self._triggers(FAMILY, [*taken, *pseudo]),
            Status.REPORTER: self._triggers(REPORTER, taken),
            Status.HISTORICAL: self._triggers(HISTORY, taken),
            Status.HYPOTHETICAL: self._triggers(HYPOTHESIS, [*taken, *inquiry]),
            Status.INQUIRY: inquiry,
        }
        self.history_leads = self._triggers(HISTORY_LEAD, taken)
        self.hard = [start for start, _ in _spans(HARD_END, text)]
        self.soft = [start for start, _ in _spans(SOFT_END, text)]
        self.general = bool(self._triggers(GENERAL, taken))
        self.statistic = bool(self._triggers(STATISTIC, taken))
        self.patients = _spans(PATIENT, text)
        self.occurrences = [*self.patients, *_spans(OCCURRENCE, text)]
        self.question = text.rstrip().endswith("?")
        if self.question:
            imagined = self._triggers(IMAGINED_PATIENT, taken)
            self.triggers[Status.HYPOTHETICAL] += imagined
            self.patients = [span for span in self.patients if not _overlaps(span, imagined)]
            self.occurrences = [span for span in self.occurrences if not _overlaps(span, imagined)]
        self.figurative = _spans(FIGURATIVE, text)

    def _triggers(
        self, pattern: re.Pattern[str], excluded: Sequence[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        return [span for span in _spans(pattern, self.text) if not _overlaps(span, excluded)]

    def _ended(self, start: int, end: int, *, soft: bool = True) -> bool:
        """Whether a clause ends between ``start`` and ``end``."""
        if any(start <= position < end for position in self.hard):
            return True
        return soft and any(start <= position < end for position in self.soft)

    def _before(
        self, status: Status, start: int, window: int | None, *, soft: bool = True
    ) -> list[tuple[int, int]]:
        """Triggers of ``status`` whose scope reaches an event starting at ``start``."""
        return [
            (trigger_start, trigger_end)
            for trigger_start, trigger_end in self.triggers[status]
            if trigger_end <= start
            and not self._ended(trigger_end, start, soft=soft)
            and (window is None or _content_words(self.text[trigger_end:start]) <= window)
        ]

    def _occurs_after(self, position: int) -> bool:
        return any(start >= position for start, _ in self.occurrences)

    def status(self, start: int, end: int) -> Status:
        """The status of the events (one, or a list of them) at ``[start, end)``."""
        text = self.text
        if _overlaps((start, end), self.figurative):
            return Status.FIGURATIVE
        if (
            self._before(Status.NEGATED, start, NEGATION_WINDOW)
            or POST_NEGATION.match(text, end)
            or FREE_OF.match(text, end)
        ):
            return Status.NEGATED
        if self._before(Status.FAMILY, start, FAMILY_WINDOW):
            return Status.FAMILY
        for _, trigger_end in self._before(Status.REPORTER, start, None):
            if REPORTER_GAP.fullmatch(text, trigger_end, start):
                return Status.REPORTER
        if (
            self._before(Status.HISTORICAL, start, HISTORY_WINDOW)
            or any(
                lead_end <= start and not self._ended(lead_end, start, soft=False)
                for _, lead_end in self.history_leads
            )
            or POST_HISTORY.match(text, end)
            or PREVIOUS.search(text, max(0, start - 40), start)
        ):
            return Status.HISTORICAL
        if self._before(Status.HYPOTHETICAL, start, None):
            return Status.HYPOTHETICAL
        if any(
            not self._occurs_after(trigger_end)
            for _, trigger_end in self._before(Status.INQUIRY, start, None, soft=False)
        ) or (self.question and not self.occurrences):
            return Status.INQUIRY
        if (self.general or POST_GENERAL.match(text, end)) and not self.occurrences:
            return Status.GENERAL
        if self.statistic and not self.patients:
            return Status.STATISTIC
        return Status.ASSERTED


def _lists(text: str, events: Sequence[Event]) -> list[list[int]]:
    """Indices of events grouped into lists ("nausea, vomiting or diarrhoea")."""
    groups: list[list[int]] = []
    for index, event in enumerate(events):
        if groups and LIST_GLUE.fullmatch(text, events[groups[-1][-1]].end, event.start):
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def statuses(text: str, events: Sequence[Event]) -> list[Status]:
    """The status of each event of the folded sentence ``text`` (``lexicon.find_events``)."""
    sentence = _Sentence(text, events)
    result = [Status.ASSERTED] * len(events)
    for group in _lists(text, events):
        status = sentence.status(events[group[0]].start, events[group[-1]].end)
        for index in group:
            result[index] = status
    return result
