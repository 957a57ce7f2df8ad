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
episode of ...", "needed a transfusion / oxygen / fluids", a lab value said to
move or out of range by its number ("platelets dropped to 45", "ALT 310", "4x
ULN", "Hb of 6.8"; hypertension only qualified or by its reading, as Cardiozen
treats it), the problems of an organ or a function ("thyroid problems",
"trouble breathing"), and words formed as diagnoses are (-itis, -penia,
-algia, -pathy, -aemia), minus the diseases our products treat
("hypercholesterolaemia", "psoriatic arthritis").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from liaison.safety.screening.records import FlagKind

_CONTAINER = (
    r"(?:vials?|pens?|syringes?|pre-?filled syringes?|auto-?injectors?|injectors?|devices?"
    r"|needles?|cartridges?|ampou?les?|bottles?|blisters?|blister packs?|packs?|packaging"
    r"|packages?|box(?:es)?|cartons?|caps?|plungers?|stoppers?|tablets?|tabs|capsules?|labels?"
    r"|leaflets?|seals?|(?:dose )?counters?|windows?|buttons?|dials?|displays?|indicators?"
    r"|solution|shipment|delivery|batch|lot)"
)
_DEFECT = (
    r"(?:broken|broke|cracked|shattered|damaged|leak(?:s|ed|ing|age)?|leaky|jammed|stuck"
    r"|blocked|bent|missing|empty|defective|faulty|malfunction(?:ed|ing|s)?|failed|failure"
    r"|(?:did ?n[o']t|does ?n[o']t|would ?n[o']t|wouldn't|didn't|doesn't) (?:work|click"
    r"|activate|inject|fire)|tampered|torn|discolou?r(?:ed|ation)|cloudy|turbid|illegible"
    r"|smudged|mislabell?ed|frozen|froze|crumbl(?:ed|ing)|chipped|contaminated|wrong|loose"
    r"|came (?:loose|off|apart)|fell (?:off|apart)|cracks?|stiff|(?:hard|difficult) to (?:push|press|open"
    r"|activate|twist|turn|remove|use)|never (?:turned|clicked|worked|activated|changed|fired"
    r"|delivered)|(?:stayed|remained|was left|were left) in|different colou?r)"
)
_BODY = (
    r"(?:eyes?|eyelids?|ears?|skin|face|lips?|tongue|mouth|gums?|teeth|throat|neck|chest|heart"
    r"|stomach|tummy|belly|abdomen|back|arms?|legs?|hands?|feet|foot|fingers?|toes?|fingertips?"
    r"|nails?|joints?|knees?|ankles?|hips?|shoulders?|muscles?|head|scalp|breasts?|calf|calves"
    r"|thighs?|wrists?|elbows?|urine|stools?|vision|eyesight|palms?|soles?)"
)
_STATE = (
    r"(?:swollen|swelling|red|sore|painful|numb|itchy|yellow|blue|puffy|stiff|tender|bruised"
    r"|bleeding|peeling|cracked|cracking|burning|tingling|lifting|falling out|blurry|blurred|dark"
    r"|pounding|racing|fluttering|aching|throbbing|weak|heavy|inflamed|blistered|ulcerated|raw)"
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
        r"doubled up|doubl(?:ed|ing) (?:up )?(?:on )?(?:her|his|their|the) (?:[a-z]+ )?dose",
        rf"(?:swallowed|ingested|ate|chewed) (?:some|several|a few|a handful of|many|all(?: of)?(?: the)?"
        rf"|the|her|his) (?:[a-z]+ )?{_DOSE_UNITS}|got hold of (?:her|his|their|the|a) (?:[a-z]+ )?"
        rf"(?:{_DOSE_UNITS}|packs?|bottles?|box|medication|medicine)",
        r"(?:\d+(?:\.\d+)?|two|three|four|ten) ?(?:x|times) (?:the )?(?:[a-z]+ ){0,2}?(?:dose|dosage"
        r"|amount)",
        rf"(?:{_DOSE_UNITS}|dose|took|taken|injected|given|gave|used|injected (?:[a-z]+ ){{0,2}}?)"
        rf" (?:[a-z]+ )?(?:twice|two times|again) (?:by (?:accident|mistake)|in (?:error|one day)"
        rf"|(?:on )?(?:the same|that same|that) (?:day|evening|morning|night))",
    ),
    FlagKind.MEDICATION_ERROR: (
        r"medication errors?",
        r"(?:dosing|dose|dispensing|prescribing|administration) errors?",
        r"(?:wrong|incorrect) (?:[a-z]+ )?(?:dose|dosage|drug|medicine|medication|product|strength|route"
        r"|patient|pt|person|schedule|frequency|site|diluent|solvent|syringe|pen|vial|infusion rate"
        r"|rate|time|day|volume|concentration|arm|eye|instructions|directions|label|labelling)",
        r"past (?:its|the|their) (?:in[- ]use|expiry|expiration|use[- ]by|beyond[- ]use)(?: time"
        r"| date| period)?|out of date",
        r"(?:calculation|pharmacy|prescription|prescribing|preparation|reconstitution|dilution"
        r"|labelling|labeling|transcription|programming|pump) errors?",
        r"(?:iv|intravenous(?:ly)?|im|intramuscular(?:ly)?|subcut(?:aneous(?:ly)?)?|sc|orally|oral)"
        r" instead of",
        r"(?:when|but|while|whereas|although) (?:only )?(?:the )?\d+(?:\.\d+)? ?(?:mg|mcg|ml|units?|iu)"
        r" (?:was|were|had been|is) (?:prescribed|ordered|intended|due)",
        r"\d+(?:\.\d+)? ?(?:mg|mcg|ml|units?|iu|min(?:ute)?s?|hours?|hrs?|h|days?|weeks?|x)"
        r" instead of (?:the )?(?:prescribed )?\d",
        r"someone else's|another (?:patient|pt|person)'s|(?:wrong|other) (?:patient|pt|person)'s",
        r"near[- ]miss|almost (?:gave|given|administered|dispensed|injected|infused)",
        r"(?:given|gave|administered|dispensed|injected|received|took|taken|used) "
        r"(?:[a-z0-9]+ ){0,1}?expired",
        r"(?:dispensed|given|gave|administered|received|took|taken|injected|prescribed|infused"
        r"|dosed|applied|used|diluted|reconstituted|mixed|prepared|drawn up|stored|ordered|picked"
        r"|supplied|run|ran|infused over|given over) (?:[a-z0-9]+ ){0,4}?instead of",
        r"mix-?up|mixed up",
        r"(?:another|wrong|someone else's|other) (?:patient's|pt's|person's) name",
        r"by mistake|in error",
    ),
    FlagKind.MISUSE: (
        r"misus(?:e|ed|es|ing)",
        r"not as prescribed|(?:more|less|other) than prescribed|against (?:medical )?advice",
        r"(?:gave|gives|giving|shared|sharing|shares|lent|lends|passed) (?:[a-z']+ ){0,4}?(?:to|with)"
        r" (?:her|his|their|a) (?:sister|brother|wife|husband|friend|partner|mother|father"
        r"|neighbou?r|son|daughter|colleague)",
        rf"(?:gave|give|gives|giving|shared|sharing|shares|sold|selling|lent) (?:[a-z]+ ){{0,4}}?"
        rf"{_DOSE_UNITS} (?:with|to)",
        rf"(?:splitting|split|crushing|crushed|rationing|rationed|stretching|skipping|cutting|cut"
        rf"|halving|halved|breaking) "
        rf"(?:[a-z]+ ){{0,2}}?{_DOSE_UNITS}",
        r"to make (?:[a-z]+ ){0,2}?last|stretch(?:es|ed|ing)? (?:out )?(?:the |her |his |their )?"
        r"(?:supply|doses?|prescription|pens|tablets)|to save money|(?:can't|cannot|couldn't) afford",
        r"(?:every|once|each|twice) (?:[a-z0-9]+ ){0,3}?instead of (?:every|once|each|twice|daily"
        r"|weekly|monthly|the prescribed)",
        r"(?:more|less) (?:often|frequently) than (?:prescribed|recommended|advised|directed)",
        r"self-?(?:medicat|adjust|titrat|dos)(?:ed|es|ing|ion|e)?|on (?:her|his|their) own"
        r" (?:initiative|accord)",
        r"(?:took|takes|taking|used|uses|using|injected|injects) (?:her|his|their) (?:wife|husband"
        r"|partner|friend|mother|father|sister|brother|neighbou?r|son|daughter)'s",
    ),
    FlagKind.ABUSE: (
        r"abus(?:e|ed|es|ing)(?![- ](?:deterrent|potential|liability))",
        r"recreational(?:ly)?(?: use)?|used recreationally",
        r"snort(?:s|ed|ing)",
        r"addict(?:ed|ion)",
        r"diver(?:sion|ted) of",
        r"(?:to|for|getting|get|got) (?:a )?high|euphori(?:a|c)|hooked on|drug[- ]seeking"
        r"|dependen(?:ce|cy|t) on",
        r"(?:selling|sells|sold|buying|bought|buys) (?:[a-z']+ ){0,3}?(?:on the street|online|on the"
        r" black market)|street (?:value|use|drug)|black market",
    ),
    FlagKind.OFF_LABEL_USE: (
        r"off[- ]?label",
        r"outside (?:of )?(?:the |its )?(?:label|licen[cs]e|approved indications?|indication)",
        r"unlicen[cs]ed (?:use|indication)",
        r"unapproved (?:use|indication)",
        r"not (?:in|on|per|within) (?:the |its )?(?:label|licen[cs]e|smpc|pi|indication)",
        r"only (?:approved|licen[cs]ed|indicated|authori[sz]ed) (?:in|for)",
        r"beyond (?:the |its )?(?:label|licen[cs]e)|off[- ]licen[cs]e",
        r"(?:not an? |an un)(?:approved|licen[cs]ed|labell?ed) (?:indication|use|population)",
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
        r"tumou?rs? (?:has |have |had )?(?:grew|grown|growing|progressed|enlarged|increased in size)",
        r"disease progression (?:on|while on|under|despite)",
        r"(?:bp|blood pressure|ldl|disease|seizures|symptoms|pain|diabetes) (?:not|poorly|never)"
        r" controlled|uncontrolled (?:despite|on)",
        r"failed (?:in|for) (?:[a-z0-9]+ ){0,3}?(?:pts?|patients)",
        r"(?:progressed|relapsed)(?: [a-z]+){0,2}? within",
        r"(?:no|little|zero|minimal|not much) (?:improvement|benefit|difference|reduction)"
        r"|(?:made|makes|make|making) (?:no|little) difference",
        r"(?:is|was|are|were|has|have|had)(?: not|n't) (?:doing|done|helped|helping|worked|working"
        r"|improved|budged|moved|changed|come down|gone down|dropped|fallen|shifted)(?: anything"
        r"| much| a thing)?|not (?:doing|controlling|helping) (?:anything|much|a thing|(?:her|his"
        r"|their|the) [a-z]+)",
        r"(?:does|do|did|is|are|was)(?: not|n't) (?:seem|appear) to (?:be )?(?:work|help|control"
        r"|do|make)(?:s|ing|ling)?",
        r"(?:still|remains?|remained|stayed|stays) (?:uncontrolled|above target|unchanged|no better"
        r"|poorly controlled|the same)|(?:where it was|same as|no lower than) before",
        r"(?:new|further|another|breakthrough|more) relapses?|(?:had|has had|having) (?:a |two |three"
        r" |several |multiple |\d )?relapses?|relaps(?:ed|ing) (?:on|while|despite|after)",
        r"new (?:[a-z]+ ){0,2}?(?:mets|metastas[ie]s|lesions?|tumou?rs?)",
        r"despite (?:the |a )?(?:full|max(?:imum|imal)?|highest|top|maximally tolerated) dos(?:e|ing)",
        r"progressed(?! (?:well|nicely|smoothly|as planned))|(?:disease|cancer|tumou?r) (?:is |was )?progressing"
        r"|disease progression|progressive disease|(?:tumou?r|disease|cancer)"
        r" (?:grew|growth|spread)|spread to",
    ),
    FlagKind.BREASTFEEDING: (
        r"breast[- ]?feed(?:ing|s)?|breast[- ]?fed",
        r"nursing (?:mother|mum|mom|(?:her|a|the) (?:baby|infant|newborn|child|son|daughter))",
        r"lactat(?:ing|ion)",
        r"breast milk",
        r"(?:still|is|while|currently|was) nursing(?! home| staff| team| care)|nursing (?:her|a|the|his)"
        r" \d+[- ]?(?:day|week|month)[- ]?old|expressing (?:breast )?milk",
    ),
    FlagKind.PREGNANCY: (
        r"pregnan(?:t|cy|cies)",
        r"conceived",
        r"expecting (?:a baby|twins)",
        r"\d+ (?:weeks?|wks?|months?) (?:along|pregnant|gestation)|trimester",
        r"(?:she|pt|patient|wife|partner|girlfriend) (?:is|'s|was) expecting(?! to| (?:the|an|a) (?!baby))",
        r"gave birth|baby (?:was )?born|delivered (?:a |her )?(?:baby|healthy)",
    ),
    FlagKind.PRODUCT_COMPLAINT: (
        rf"{_CONTAINER} (?:[a-z0-9']+ ){{0,5}}?{_DEFECT}(?: {_CONTAINER})?",
        rf"{_DEFECT} (?:[a-z0-9]+ ){{0,2}}?{_CONTAINER}",
        r"particles?|particulates?|specks?|floating (?:bits|matter)|foreign (?:body|object|matter)",
        rf"cracks? in (?:the |a |an )?(?:[a-z]+ ){{0,4}}?{_CONTAINER}",
        rf"(?:fewer|less|more) {_DOSE_UNITS} than (?:stated|expected|labell?ed|usual)"
        rf"(?: on the {_CONTAINER})?",
        r"(?:did ?n[o']t|didn't|does ?n[o']t|doesn't|won't|would ?n[o']t) (?:fully |completely )?"
        r"dissolve|clump(?:s|ed|ing)?",
        r"(?:yellow|yellowish|brown|brownish|pink|milky|green|dark) (?:liquid|solution|fluid)",
        rf"(?:different|wrong|foreign|strange|other) {_DOSE_UNITS} (?:mixed )?in",
        r"no (?:medicine|medication|drug|liquid|solution|fluid) came out"
        r"|(?:medicine|medication|drug|liquid|solution) (?:did ?n[o']t|didn't) come out",
        r"discolou?r(?:ed|ation)|cloudy|turbid|precipitate",
        r"(?:[a-z]+ )?instead of (?:white|clear|colou?rless|transparent)|off[- ]colou?r",
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
        # Problems of an organ or a function: "thyroid problems", "trouble breathing".
        r"(?:thyroid|kidney|renal|liver|heart|cardiac|skin|stomach|bowel|gut|breathing|eye|vision"
        r"|memory|sleep|balance|bladder|hormone|hormonal|joint|muscle|mood|mental health|walking"
        r"|swallowing|speech|hearing|concentration|blood sugar|sugar|periods?|menstrual|sexual"
        r"|erectile|urinary|chest|lung|nerve|teeth|gum|hair|nail|weight) (?:problems?|issues?"
        r"|troubles?|disorders?|dysfunction|complaints?)|(?:trouble|difficulty|problems?)"
        r" (?:breathing|swallowing|walking|speaking|concentrating|seeing|hearing|urinating)",
        r"(?:can't|cannot|couldn't|unable to) keep (?:food|anything|fluids|it) down|off (?:her|his"
        r"|their) food|(?:not|stopped) eating",
        r"knocked out|wiped out|drained|washed out|(?:no|zero|low) energy|floored",
        # A part of the body said to be in a state: "her ankles are swollen", "sore gums".
        rf"{_BODY}(?: (?:is|are|was|were|has been|have been|became|become|got|getting|feel|feels"
        rf"|felt|turned|went|look|looks|looked|keeps?|kept))?(?: (?:very|really|so|quite|a bit"
        rf"|more|all))? {_STATE}",
        rf"{_STATE} {_BODY}",
        r"(?:sees|seeing|saw|seen) (?:[a-z]+ )?(?:flashing lights|floaters|spots|double|things"
        r"|shadows|halos)|flashing lights|floaters",
        r"(?:metallic|bitter|strange|funny|bad|odd|salty|soapy) taste|taste of metal",
        r"skipp(?:ed|ing) beats?|missed beats|heart (?:skipping|pounding|racing|fluttering|flutters"
        r"|skips)",
        r"(?:lost|losing|shedding) (?:a lot of |some |clumps of |handfuls of |(?:her|his|their) )*hair",
        r"perforat(?:ed|ion)|obstruct(?:ed|ion)|ruptured?|abscess(?:es)?|fistula|ulcerat(?:ed|ion)",
        r"sleep ?walk(?:ing|ed)?|vivid dreams|restless(?:ness)?|jitter(?:y|s)|on edge",
        r"mood (?:[a-z]+ ){0,3}?(?:low|down|flat|dark|swings?)",
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
        r"(?:coughing|coughed|vomiting|vomited|spitting|spat|passing|passed|noticed|found|saw)"
        r" (?:up )?blood|blood (?:when|while|on|after) (?:brushing|coughing|wiping|blowing)",
        r"liver (?:injury|damage|failure|toxicity)",
        # Nervous system and mind.
        r"headaches?|migraines?",
        r"dizz(?:y|iness)|vertigo|light[- ]?headed(?:ness)?",
        r"faint(?:ed|ing|ness)?|syncop(?:e|al)|passed out|collapsed?",
        r"(?:lost|loss of|losing) consciousness|unconscious(?:ness)?|unresponsive",
        r"(?:grand mal|epileptic|tonic[- ]clonic|absence) (?:fits?|seizures?)|(?:had|having|has had)"
        r" (?:a |another |two |three |several |\d )?fits?",
        r"spaced out|out of it|woozy|groggy|zoned out|not (?:her|him|them)sel(?:f|ves)",
        r"(?:fell|falling|falls) asleep (?:at|while|when|during)|(?:nodded|nodding|dozed|dozing) off",
        r"(?:car|road|traffic|driving) (?:accident|crash|collision)|crashed (?:her|his|their|the) car",
        r"palsy|droop(?:y|ing)?(?: face| eyelids?| mouth)?|facial (?:droop|weakness|paralysis)",
        r"seizures?|convulsions?|tremors?|shak(?:y|iness)|black(?:ed)? ?outs?",
        r"slurred speech|(?:speech|balance) (?:problems?|difficult(?:y|ies))|unsteady|paralysis",
        r"visual (?:changes|disturbances?|symptoms)|changes in (?:her |his )?(?:vision|eyesight)",
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
        r"(?:felt|feeling|feels|feel) (?:dizzy|sick|ill|faint|weak|awful|terrible|bad|rough|off"
        r"|strange|weird|funny|odd|drugged|horrible|dreadful|lousy|wiped out|unwell|flu-?ish)",
        r"flu-?(?:ish|y)|aches?|aching|achy|pains?|painful",
        r"burning (?:sensation|feeling|pain)|sting(?:s|ing)|stung",
        r"welts?|wheals?|weals?|(?:hard|painful|tender|red|big|itchy|swollen) (?:lumps?|nodules?"
        r"|bumps?)",
        r"worsen(?:ed|ing)|deteriorat(?:ed|ing|ion)|(?:got|getting|became|become) worse",
        r"allerg(?:y|ies|ic)|(?:head|brain|eye|hand) injur(?:y|ies)|injured (?:her|his|their|him|them)",
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
        # A value said to move, or a value out of range by its number.
        r"(?:platelets?|plts?|hb|h(?:a)?emoglobin|neutrophils?|anc|wbc|white (?:cell )?counts?"
        r"|(?:blood )?counts|sodium|potassium|magnesium|calcium|glucose|blood sugars?|ef"
        r"|ejection fraction|lvef|e?gfr|(?:kidney|renal|liver|heart|lung) function|liver"
        r" (?:values|tests|enzymes)|lfts?|alt|ast|ggt|alp|bilirubin|bili|creatinine|ck|cpk|inr"
        r"|tsh|troponin|lipase|amylase|qtc?|sats|saturations?|weight|sugars?|hba1c|a1c)"
        r"(?: [a-z]+){0,2}? (?:(?:have|has|had) gone (?:up|down)|gone (?:up|down)|(?:went|rose"
        r"|fell|dropped|jumped|climbed|increased|decreased) from \d+|dropped|fell|falling|plummeted"
        r"|crashed|declined|decreased|worsened|deteriorated"
        r"|went down|down to|went up|shot up|up to|rose|rising|spiked|jumped|climbed|increased"
        r"|doubled|tripled|elevated|raised|deranged|abnormal|off)",
        r"\d+(?:\.\d+)? ?(?:x|times) (?:the )?(?:uln|upper limit(?: of normal)?|normal)"
        r"|above (?:the )?(?:uln|upper limit|normal range)|out of range",
        r"(?:alt|ast|ggt|alp)(?: of| at| was| =|:)? ?(?:[1-9]\d{2,}|\d,\d{3})",
        r"(?:ck|cpk)(?: of| at| was| =|:)? ?(?:[1-9],?\d{3,})",
        r"(?:hb|h(?:a)?emoglobin)(?: of| at| was| =|:| down to)? ?[3-8](?:\.\d)?(?![0-9])(?! ?%)",
        r"(?:sodium|na)(?: of| at| was| =|:| came back at)? ?1[0-2]\d(?![0-9])",
        r"(?:neutrophils|neuts|anc)(?: of| at| was| =|:| down to)? ?[01](?:\.\d+)?(?![0-9])",
        r"(?:temp|temperature)(?: of| at| was| =|:)? ?(?:3[89]|4[01])(?:\.\d)?(?![0-9])",
        r"(?:heart rate|hr|pulse)(?: of| at| was| =|:| in the| down to)? ?(?:[2-4]0s|[2-4]\d(?![0-9]))",
        r"(?:bp|blood pressure)(?: [a-z]+){0,3}? ?(?:1[6-9]\d|2\d\d) ?(?:/|over) ?\d+",
        r"tsh(?: of| at| was| =|:)? ?(?:[1-9]\d|\d{3})(?:\.\d+)?(?![0-9])",
        r"(?:new(?:[- ]onset)?|worsening|worsened|severe|grade \d) hypertension|hypertension"
        r" (?:now|grade)|hypertensive (?:crisis|emergency|urgency)",
        r"(?:ecg|ekg|echo|mri|ct|scan|x-ray|lab|blood) (?:changes|abnormalit(?:y|ies))|abnormal"
        r" (?:ecg|ekg|labs?|bloods?|results?|scan|mri|ct|echo)",
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
