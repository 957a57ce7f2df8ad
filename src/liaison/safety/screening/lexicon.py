"""The words of adverse events, product complaints and special situations, as field notes say them.

Each pattern is a regular expression over folded text (lower case, no accents,
see ``folding``) and is matched on word boundaries. Written for English field
notes: UK and US spellings, plurals and tenses, the abbreviations MSLs type
(pt, LFTs, SOB, N/V, ER, A&E). Bare words that field notes use for other things
are only taken with a qualifier: "reaction" as "infusion reaction" or "a
reaction to", "admitted" as "admitted to/for/with", "renal impairment" never
(it is a dosing population). When two patterns match at the same place, the
kind listed first wins: "took 3 tablets instead of one" is an overdose before it
is a medication error, "the pen did not work" a complaint before a lack of efficacy.

Recall comes first, so a few patterns catch the shape of an event rather than
its name: a treatment "stopped / held / dose reduced because of ...", "an
episode of ...", "needed a transfusion / oxygen / fluids", and words formed as
diagnoses are (-itis, -penia, -algia, -pathy, -aemia), minus the diseases our
products treat ("hypercholesterolaemia", "psoriatic arthritis").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from liaison.safety.screening.records import FlagKind

_CONTAINER = (
    r"(?:vials?|pens?|syringes?|pre-?filled syringes?|auto-?injectors?|injectors?|devices?"
    r"|needles?|cartridges?|ampou?les?|bottles?|blisters?|blister packs?|packs?|packaging"
    r"|packages?|box(?:es)?|cartons?|caps?|plungers?|stoppers?|tablets?|tabs|capsules?|labels?"
    r"|leaflets?|seals?"
    r"|solution|shipment|delivery|batch|lot)"
)
_DEFECT = (
    r"(?:broken|broke|cracked|shattered|damaged|leak(?:s|ed|ing|age)?|leaky|jammed|stuck"
    r"|blocked|bent|missing|empty|defective|faulty|malfunction(?:ed|ing|s)?|failed|failure"
    r"|(?:did ?n[o']t|does ?n[o']t|would ?n[o']t|wouldn't|didn't|doesn't) (?:work|click"
    r"|activate|inject|fire)|tampered|torn|discolou?r(?:ed|ation)|cloudy|turbid|illegible"
    r"|smudged|mislabell?ed|frozen|froze|crumbl(?:ed|ing)|chipped|contaminated|wrong|loose"
    r"|came (?:loose|off|apart)|fell (?:off|apart))"
)
_DOSE_UNITS = r"(?:tablets?|tabs|pills?|capsules?|doses?|pens?|injections?|vials?|sachets?)"

LEXICON: dict[FlagKind, tuple[str, ...]] = {
    FlagKind.OCCUPATIONAL_EXPOSURE: (
        r"occupational(?:ly)? expos(?:ure|ed)",
        r"needle[- ]?stick(?: injury)?",
        r"accidental(?:ly)? (?:exposure|exposed|self-?inject(?:ion|ed))",
        r"(?:injected|stuck|pricked|jabbed) (?:herself|himself|themselves|myself)",
        r"got (?:the |some )?(?:[a-z]+ )?(?:powder|liquid|solution|drug|medicine|medication|dust)"
        r" (?:in|on|into) (?:her|his|their|my|the) (?:eyes?|skin|hands?|face|mouth)",
        r"(?:spill(?:ed|t)?|splash(?:ed)?|spray(?:ed)?) (?:[a-z]+ ){0,4}?(?:on|in|into|onto) "
        r"(?:her|his|their|the|my) (?:hands?|skin|arms?|eyes?|face|mouth)",
        r"inhaled (?:[a-z]+ ){0,2}?(?:powder|aerosol|dust)",
    ),
    FlagKind.OVERDOSE: (
        r"overdos(?:e|ed|es|ing)",
        r"(?:double|triple|twice the|two times the|extra|excess(?:ive)?) (?:dose|doses|dosing|amount)",
        r"took (?:[a-z]+ ){0,2}?too (?:many|much)",
        rf"(?:took|taken|injected|used|gave|given) (?:two|three|four|five|[2-9]|1\d) (?:[a-z]+ ){{0,2}}?"
        rf"{_DOSE_UNITS}(?: (?:instead of|at once|in one day|the same day|together))?",
        r"accidental(?:ly)? (?:ingestion|intake|ingested|swallowed)",
        r"(?:second|extra|another|additional) (?:[a-z]+ )?(?:dose|injection|tablet) (?:on |in )?"
        r"(?:the same|that same|that) (?:day|evening|morning|night)",
        r"took (?:the |a )?(?:whole|entire|full) (?:pack|bottle|box|blister|strip|packet)",
        r"intentional(?:ly)? (?:overdose|took|ingested|swallowed)",
        r"(?:child|kid|toddler|baby|grandchild|grandson|granddaughter|son|daughter) "
        r"(?:[a-z]+ ){0,2}?(?:swallowed|ingested|ate|chewed)",
        r"supratherapeutic",
    ),
    FlagKind.MEDICATION_ERROR: (
        r"medication errors?",
        r"(?:dosing|dose|dispensing|prescribing|administration) errors?",
        r"(?:wrong|incorrect) (?:dose|dosage|drug|medicine|medication|product|strength|route"
        r"|patient|schedule|frequency)",
        r"(?:given|gave|administered|dispensed|injected|received|took|taken|used) "
        r"(?:[a-z0-9]+ ){0,1}?expired",
        r"(?:dispensed|given|gave|administered|received|took|taken|injected|prescribed|infused"
        r"|dosed|applied|used) (?:[a-z0-9]+ ){0,4}?instead of",
        r"mix-?up|mixed up",
        r"(?:another|wrong|someone else's|other) (?:patient's|pt's|person's) name",
        r"by mistake|in error",
    ),
    FlagKind.MISUSE: (
        r"misus(?:e|ed|es|ing)",
        r"not as prescribed|(?:more|less|other) than prescribed|against (?:medical )?advice",
        rf"(?:gave|give|gives|giving|shared|sharing|shares|sold|selling|lent) (?:[a-z]+ ){{0,4}}?"
        rf"{_DOSE_UNITS} (?:with|to)",
        rf"(?:splitting|split|crushing|crushed|rationing|rationed|stretching|skipping) "
        rf"(?:[a-z]+ ){{0,2}}?{_DOSE_UNITS}",
    ),
    FlagKind.ABUSE: (
        r"abus(?:e|ed|es|ing)(?![- ](?:deterrent|potential|liability))",
        r"recreational(?:ly)?(?: use)?|used recreationally",
        r"snort(?:s|ed|ing)",
        r"addict(?:ed|ion)",
        r"diver(?:sion|ted) of",
    ),
    FlagKind.OFF_LABEL_USE: (
        r"off[- ]?label",
        r"outside (?:of )?(?:the |its )?(?:label|licen[cs]e|approved indications?|indication)",
        r"unlicen[cs]ed (?:use|indication)",
        r"unapproved (?:use|indication)",
    ),
    FlagKind.LACK_OF_EFFICACY: (
        r"lack of (?:efficacy|effect|effectiveness|response)",
        r"(?:did ?n[o']t|didn't|does ?n[o']t|doesn't|is ?n[o']t|isn't|was ?n[o']t|wasn't|not) "
        r"(?:work|working|help|helping|effective)",
        r"stopped working|no longer (?:works|working|effective|helps)",
        r"(?:no|poor|inadequate|insufficient|loss of) (?:response|effect|efficacy)",
        r"(?:did not|didn't|failed to|not) respond(?:ing)?",
        r"non-?respon(?:se|der)",
        r"ineffective|treatment failure",
        r"progress(?:ed|ing|ion) (?:on|while on|under|despite)",
        r"(?:ldl|bp|blood pressure|cholesterol|relapses?|seizures?) (?:[a-z]+ ){0,2}?"
        r"(?:did ?n[o']t|didn't|not) (?:go|come|drop|fall|improve|change|decrease)",
        r"(?:ldl|bp|blood pressure|cholesterol) (?:still|remained|stayed) (?:high|elevated|"
        r"unchanged|\d)",
        r"(?:ldl|bp|blood pressure|cholesterol|hba1c|a1c|relapse rate) (?:was |is |remained )?"
        r"(?:unchanged|not improved|no better|the same)",
        r"tumou?rs? (?:grew|grown|growing|progressed|enlarged|increased in size)",
        r"disease progression (?:on|while on|under|despite)",
        r"(?:bp|blood pressure|ldl|disease|seizures|symptoms|pain|diabetes) (?:not|poorly|never)"
        r" controlled|uncontrolled (?:despite|on)",
        r"failed (?:in|for) (?:[a-z0-9]+ ){0,3}?(?:pts?|patients)",
        r"(?:progressed|relapsed)(?: [a-z]+){0,2}? within",
    ),
    FlagKind.BREASTFEEDING: (
        r"breast[- ]?feed(?:ing|s)?|breast[- ]?fed",
        r"nursing (?:mother|mum|mom|(?:her|a|the) (?:baby|infant|newborn|child|son|daughter))",
        r"lactat(?:ing|ion)",
        r"breast milk",
    ),
    FlagKind.PREGNANCY: (
        r"pregnan(?:t|cy|cies)",
        r"conceived",
        r"expecting (?:a baby|twins)",
    ),
    FlagKind.PRODUCT_COMPLAINT: (
        rf"{_CONTAINER} (?:[a-z0-9']+ ){{0,5}}?{_DEFECT}(?: {_CONTAINER})?",
        rf"{_DEFECT} (?:[a-z0-9]+ ){{0,2}}?{_CONTAINER}",
        r"particles?|particulates?|specks?|floating (?:bits|matter)|foreign (?:body|object|matter)",
        rf"cracks? in (?:the |a |an )?(?:[a-z]+ ){{0,2}}?{_CONTAINER}",
        rf"(?:fewer|less|more) {_DOSE_UNITS} than (?:stated|expected|labell?ed|usual)"
        rf"(?: on the {_CONTAINER})?",
        r"(?:did ?n[o']t|didn't|does ?n[o']t|doesn't|won't|would ?n[o']t) (?:fully |completely )?"
        r"dissolve|clump(?:s|ed|ing)?",
        r"(?:yellow|yellowish|brown|brownish|pink|milky|green|dark) (?:liquid|solution|fluid)",
        rf"(?:different|wrong|foreign|strange|other) {_DOSE_UNITS} (?:mixed )?in",
        r"no (?:medicine|medication|drug|liquid|solution|fluid) came out"
        r"|(?:medicine|medication|drug|liquid|solution) (?:did ?n[o']t|didn't) come out",
        r"discolou?r(?:ed|ation)|cloudy|turbid|precipitate",
        r"(?:smells?|smelled|smelt|odou?r|tastes?|tasted) (?:[a-z]+ )?(?:odd|strange|bad|funny"
        r"|different|unusual|off)|(?:odd|strange|bad|funny|unusual) (?:smell|odou?r)",
        r"counterfeit|fake|falsified",
        r"mislabell?ed|illegible",
        r"(?:failed|fails|failing) to (?:deliver|inject|activate|work|click)",
        r"(?:left|kept|stored) out of (?:the )?(?:fridge|refrigerator)|temperature excursion"
        r"|cold chain|(?:arrived|delivered) (?:warm|frozen)",
        r"(?:quality|product) (?:complaint|issue|defect|problem)s?",
        r"device (?:malfunction|failure|issue|problem)s?",
    ),
    FlagKind.ADVERSE_EVENT: (
        # Words for any event.
        r"side[- ]?effects?",
        r"adverse (?:drug )?(?:events?|reactions?|effects?|experiences?)",
        r"s?aes?|adrs?",
        r"(?:allergic|infusion(?:[- ]related)?|injection[- ]site|skin|cutaneous|hypersensitivity"
        r"|anaphylactic|anaphylactoid|systemic|local|bad|severe|serious|drug|immune[- ]related)"
        r" (?:reactions?|rxns?)",
        r"(?:a|an|the) (?:reaction|rxn) (?:to|after|with|on|following)",
        r"unexpected (?:effects?|events?|reactions?)|(?:odd|strange|weird) (?:effects?|symptoms?)",
        r"reacted (?:badly|poorly|severely|strongly)|reacted to",
        r"hypersensitivity|intoleran(?:ce|t)",
        r"(?:could ?n[o']t|couldn't|could not|cannot|can't|did ?n[o']t|didn't|unable to) tolerate",
        r"(?:poorly|not) tolerated",
        r"[a-z]*toxicit(?:y|ies)",
        r"complications?",
        # A treatment stopped, held or reduced for a reason: the reason is often an event.
        r"(?:stopped|discontinued|interrupted|held|paused|withdrawn|withheld|taken off|came off"
        r"|had to stop|d/c(?:'?d)?|put on hold|dose (?:was )?(?:reduced|lowered|decreased)"
        r"|dose reduction)(?: [a-z0-9']+){0,5}? (?:because|due to|b/c|owing to)",
        r"(?:an? |the )?(?:episode|bout|attack|flare)s? of (?:[a-z]+ ){0,2}?[a-z]+",
        r"needed (?:[a-z0-9]+ ){0,2}?(?:units? of blood|oxygen|steroids|antibiotics|surgery"
        r"|a transfusion|dialysis|rehydration|iv fluids|fluids|to be admitted)",
        # Outcomes.
        r"hospitali[sz](?:ed|ation|ations)",
        r"re-?admitted|admitted (?:to|for|overnight|with|again)",
        r"icu|intensive care|ambulance|resuscitat(?:ed|ion)|intubated|ventilat(?:ed|or)",
        r"called (?:911|999|112|an ambulance)|urgent care",
        r"(?:ended up|was|were|been|is|went|taken|sent|rushed|brought|back|admitted) (?:in|to"
        r"|into) (?:the )?hospital(?! pharmac| formular| board| committee)",
        r"lost (?:a|the|her|his|one|their) (?:pt|patient)",
        r"transfus(?:ed|ion)",
        r"(?:went to|seen in|seen at|presented to|visit to|taken to|admitted to) (?:the )?"
        r"(?:er|ed|a&e|emergency)",
        r"emergency (?:room|department)|a&e",
        r"died|death|deaths|passed away|fatal(?:ity|ities)?|deceased|life[- ]threatening",
        r"cardiac arrest",
        r"disabilit(?:y|ies)|birth defects?|congenital (?:anomal(?:y|ies)|malformations?)",
        r"miscarriage|stillbirth",
        # Skin, hair, mouth.
        r"rash(?:es)?|itch(?:y|ing|iness)?|prurit(?:us|ic)|hives|urticaria|acne(?:iform)?",
        r"dry skin|skin (?:toxicity|problems?|lesions?|changes?|peeling)|peeling skin",
        r"hand[- ]foot (?:syndrome|skin reaction)|sores?|lesions?|nail (?:changes?|problems?|loss)",
        r"blister(?:s|ing|ed)?(?! ?packs?)",
        r"paronychia|photosensitivity|sunburn|flushing|redness|erythema",
        r"hair (?:loss|thinning|falling out)|alopecia",
        r"mouth (?:ulcers?|sores?)|stomatitis|mucositis|ulcers?",
        # Gut, liver, pancreas.
        r"nausea|nause(?:ous|ated)|vomit(?:s|ed|ing)?|threw up|throwing up|emesis|n/v",
        r"diarrh(?:o)?ea|loose stools|constipat(?:ion|ed)",
        r"(?:abdominal|stomach|tummy) (?:pain|ache|cramps?|upset)|stomach ?ache|dyspepsia"
        r"|heartburn",
        r"(?:loss of|decreased|poor|lost (?:her|his) ) ?appetite|anorexia",
        r"taste (?:changes?|disturbances?|loss)|dysgeusia",
        r"dehydrat(?:ion|ed)|colitis|pancreatitis|hepatitis|jaundice|gi bleed(?:ing)?",
        r"gi (?:upset|symptoms|toxicity|issues|problems|side effects)|upset stomach",
        r"loose (?:bowels?|motions)|bloating|reflux|indigestion|blood in (?:the )?(?:stools?|urine)"
        r"|bloody (?:stools?|diarrh(?:o)?ea|urine)|black stools",
        r"liver (?:injury|damage|failure|toxicity)",
        # Nervous system and mind.
        r"headaches?|migraines?",
        r"dizz(?:y|iness)|vertigo|light[- ]?headed(?:ness)?",
        r"faint(?:ed|ing|ness)?|syncop(?:e|al)|passed out|collapsed?",
        r"seizures?|convulsions?|tremors?|shak(?:y|iness)|black(?:ed)? ?outs?",
        r"slurred speech|(?:speech|balance) (?:problems?|difficult(?:y|ies))|unsteady|paralysis",
        r"tinnitus|ringing in (?:the|her|his) ears|hearing (?:loss|problems?)|deaf(?:ness)?",
        r"brain fog|foggy|flu[- ]like (?:symptoms|illness)|sore throat",
        r"confus(?:ed|ion)|drows(?:y|iness)|somnolence|sleepiness",
        r"insomnia|(?:can't|cannot|could not|couldn't|trouble|difficulty|problems?) sleep(?:ing)?",
        r"nightmares?|bad dreams|hallucinations?|psychosis|agitation",
        r"memory (?:loss|problems?|issues?)|forgetful(?:ness)?",
        r"tingling|numbness|neuropath(?:y|ies)|pins[- ]and[- ]needles",
        r"strokes?|tia",
        r"(?:had|has had|sustained) a fall|fell (?:at home|down|over)|falls? at home",
        r"fractures?|broke (?:her|his|their) [a-z]+",
        r"depress(?:ed|ion)|anxiety|anxious|mood (?:changes?|swings?)|suicid(?:al|e)|self-?harm",
        r"aggressi(?:ve|on)|irritab(?:le|ility)|personality changes?|behaviou?r(?:al)? changes?"
        r"|panic attacks?|low mood|paranoi(?:a|d)|mania|manic",
        # General.
        r"fatigue(?:d)?|tiredness|(?:felt|feeling|feels|very|extremely) tired|exhaust(?:ed|ion)",
        r"(?:lips|skin|face|fingers|toes) (?:turned|went|became) (?:blue|grey|gray|white|yellow)"
        r"|cyanosis|cyanotic",
        r"(?:sats|saturations?|o2|oxygen(?: levels?)?|spo2) (?:dropped|fell|went down|low|down)",
        r"(?:heart rate|hr|pulse) (?:[a-z']+ ){0,2}?(?:dropped|fell|slowed|went down|go down|went up"
        r"|go up|rose|spiked|racing)",
        r"became (?:psychotic|confused|aggressive|depressed|unresponsive|jaundiced|unwell|ill|sick"
        r"|weak|breathless|drowsy|agitated)|psychotic",
        r"tried to (?:take (?:his|her|their) (?:own )?life|kill (?:himself|herself|themselves))",
        r"sleeping \d+ hours|puff(?:y|iness|ing up|ed up)",
        r"(?:vision|eyesight|sight) (?:went|became|got|turned) (?:blurry|blurred|worse|bad|dim)",
        r"brittle nails|nails (?:became|are|were|turned) (?:brittle|painful|black|loose)"
        r"|nails? (?:fell|came) off",
        r"qtc? (?:of |was |at |interval of )?(?:4[6-9]\d|[5-9]\d\d) ?(?:ms|msec)?",
        r"letharg(?:y|ic)|weakness|malaise|unwell",
        r"(?:felt|feeling|feels|feel) (?:dizzy|sick|ill|faint|weak|awful|terrible|bad|rough)",
        r"(?:was|been|being|got|is) sick(?! of| leave| note| day)",
        r"fevers?|febrile|pyrexia|high temperature|chills|rigou?rs|night sweats",
        r"weight (?:gain|loss)|(?:gained|lost) \d+ ?kg",
        r"polyuria|frequent urination|(?:excessive|increased|extreme) thirst",
        r"swell(?:ing)?|swollen|o?edema|angio-?o?edema|anaphyla(?:xis|ctic)",
        # Heart, blood, vessels.
        r"chest (?:pain|tightness|discomfort|pressure)|palpitations?|arrhythmias?|tachycardia"
        r"|bradycardia|racing heart|heart racing|irregular heart ?beat",
        r"heart (?:attack|failure)|myocardial infarction",
        r"qtc? prolongation|prolonged qtc?",
        r"(?:bp|blood pressure) (?:went up|rose|spiked|increased|dropp?(?:ed|ing)|fell|fall"
        r"|(?:was|is) (?:high|low)|elevated)|(?:low|high) (?:bp|blood pressure)|hypotension",
        r"dvt|deep vein thrombosis|thrombos(?:is|es)|blood clots?|(?:pulmonary )?embolism",
        r"bleed(?:s|ing)?|h(?:a)?emorrhag(?:e|es|ic)|bruis(?:ing|es|ed)|nose ?bleeds?|epistaxis",
        # Laboratory values.
        r"neutropeni(?:a|c)|leu(?:k|c)openi(?:a|c)|thrombocytopeni(?:a|c)|an(?:a)?emi(?:a|c)"
        r"|pancytopeni(?:a|c)",
        r"low (?:wbc|white (?:blood )?(?:cells?|counts?)|white cell counts?|blood counts?|platelets?"
        r"|neutrophils?|h(?:a)?emoglobin|hb)",
        r"(?:liver enzymes?|lfts?|alt|ast|transaminases|bilirubin|creatinine|ck|cpk|potassium"
        r"|troponin|lipase|amylase|blood sugar)(?: [a-z]+)? (?:elevated|raised|increased|high|up"
        r"|abnormal|deranged|went up|rose|doubled|tripled)",
        r"(?:elevated|raised|increased|high|abnormal|deranged) (?:liver enzymes?|lfts?|alt|ast"
        r"|transaminases|bilirubin|creatinine|ck|cpk|potassium)",
        r"liver enzyme elevations?",
        r"(?:elevated|raised|increased|high|abnormal|deranged) (?:liver (?:tests?|function"
        r"(?: tests?)?|values)|alt/ast|ast/alt|troponin|lipase|amylase|inr|tsh|hba1c)",
        r"(?:alt|ast|alt/ast|ast/alt|lfts?|bilirubin|creatinine|ck|cpk) (?:\d+(?:\.\d+)? ?x|> ?\d+ ?x?)"
        r" ?uln",
        r"low (?:sodium|potassium|magnesium|calcium|blood sugar|glucose|iron)",
        r"hyperkal(?:a)?emia|hypokal(?:a)?emia|hypoglyc(?:a)?emi(?:a|c)|hyperglyc(?:a)?emi(?:a|c)",
        r"(?:kidney|renal) (?:injury|failure|damage)|aki|dialysis|rhabdomyolysis",
        # Lungs.
        r"cough(?:s|ing)?|dyspn(?:o)?ea|short(?:ness)? of breath|sob|breathless(?:ness)?"
        r"|wheez(?:e|ing)",
        r"pneumonitis|ild|interstitial lung disease|pneumonia|(?:pulmonary|lung) fibrosis",
        # Muscles, joints, eyes, infections.
        r"muscle (?:pain|aches?|cramps?|weakness)|myalgias?|joint pain|arthralgias?"
        r"|(?:back|bone) pain|cramps?|gout(?: flare| attack)?|(?:muscle )?spasms?",
        r"(?:leg|arm|neck|shoulder|knee|hip|foot|feet|hand|ear|eye|jaw|nerve|pelvic|flank|kidney"
        r"|throat) pains?",
        r"injection[- ]site (?:pain|redness|swelling|bruising|lumps?|nodules?|itching)",
        r"(?:pain|redness|swelling|lumps?|nodules?|bumps?|itching|bruis(?:es|ing)|rash|reaction)"
        r" (?:at|on|around) the (?:injection|infusion) sites?",
        r"blurr(?:ed|y) vision|vision (?:problems?|changes?|loss)|visual disturbances?"
        r"|eye (?:pain|irritation|redness|problems?)|dry eyes?|red eyes?|double vision",
        r"infections?|sepsis|septic|shingles|herpes zoster|utis?|cellulitis",
        # Words formed as diagnoses are (-itis, -penia, -algia, -pathy, -aemia, -rrhage),
        # except the diseases the products treat and the rheumatic arthritides.
        r"(?!(?:psoriatic|rheumatoid|osteo|poly)?arthritis|hypercholesterol|hyperlipid|dyslipid"
        r"|leuk|academia|nostalgia|(?:em|sym|tele|homeo|osteo|naturo)pathy)"
        r"[a-z]{3,}(?:itis|penia|algia|pathy|a?emia|rrhage)",
    ),
}


@dataclass(frozen=True, slots=True)
class Event:
    """An event word found in a folded sentence: its kind and ``[start, end)`` there."""

    kind: FlagKind
    start: int
    end: int


def _group(kind: FlagKind, patterns: tuple[str, ...]) -> str:
    return rf"(?P<{kind.value}>{'|'.join(f'(?:{pattern})' for pattern in patterns)})"


EVENTS = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(_group(kind, patterns) for kind, patterns in LEXICON.items())
    + r")(?![a-z0-9])"
)


def find_events(folded: str) -> list[Event]:
    """The event words of a folded sentence, left to right, never overlapping."""
    return [
        Event(FlagKind(match.lastgroup or ""), match.start(), match.end())
        for match in EVENTS.finditer(folded)
    ]
