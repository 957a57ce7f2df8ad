"""Our own lists of names and places for the demo world, by country (pure data).

Names keep their letters exactly (Müller, Çelik, García, Ångström, Łukasz,
Satō), so the demo exercises accent-free search. Cities carry an ISO 3166-2
region where the directory uses one (the US West territory is by region).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    weight: int  # share of the demo HCPs, relative
    languages: tuple[str, ...]
    given_names: tuple[str, ...]
    family_names: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (city, ISO 3166-2 region or "")
    hospital_patterns: tuple[str, ...]


# fmt: off
COUNTRIES: tuple[Country, ...] = (
    Country(
        code="US",
        weight=34,
        languages=("en",),
        given_names=(
            "James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda",
            "William", "Elizabeth", "Richard", "Barbara", "Joseph", "Susan", "Thomas", "Jessica",
            "Christopher", "Sarah", "Daniel", "Karen", "Matthew", "Nancy", "Anthony", "Lisa",
            "Mark", "Margaret", "Steven", "Sandra", "Andrew", "Ashley", "Kevin", "Emily",
            "Brian", "Michelle", "Priya", "Wei", "Carlos", "Aisha", "Hiroshi", "Rahul",
        ),
        family_names=(
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
            "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson",
            "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen",
            "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter",
            "Mitchell", "Patel", "Nguyen", "Chen", "Kim", "Rodríguez", "O'Brien", "McAllister",
            "Goldberg", "Kowalski", "Schmidt", "Ramírez", "Shah",
        ),
        cities=(
            ("Los Angeles", "US-CA"), ("San Francisco", "US-CA"), ("San Diego", "US-CA"),
            ("Stanford", "US-CA"), ("Seattle", "US-WA"), ("Portland", "US-OR"),
            ("Boston", "US-MA"), ("New York", "US-NY"), ("Rochester", "US-MN"),
            ("Houston", "US-TX"), ("Dallas", "US-TX"), ("Chicago", "US-IL"),
            ("Philadelphia", "US-PA"), ("Baltimore", "US-MD"), ("Nashville", "US-TN"),
            ("Miami", "US-FL"), ("Atlanta", "US-GA"), ("Cleveland", "US-OH"),
            ("Ann Arbor", "US-MI"), ("Denver", "US-CO"),
        ),
        hospital_patterns=(
            "{city} University Medical Center", "{city} General Hospital",
            "{city} Cancer Institute", "{city} Heart and Vascular Center",
            "{city} Neuroscience Institute", "{city} Community Clinic",
            "St. Luke's Hospital of {city}", "{city} Children's Hospital",
        ),
    ),
    Country(
        code="DE",
        weight=12,
        languages=("de",),
        given_names=(
            "Jürgen", "Björn", "Jörg", "Günter", "Uwe", "Klaus", "Stefan", "Andreas", "Thomas",
            "Matthias", "Sören", "Katrin", "Anke", "Jutta", "Sabine", "Birgit", "Ute", "Käthe",
            "Dörte", "Annegret", "Franziska", "Lena", "Maximilian", "Felix",
        ),
        family_names=(
            "Müller", "Schäfer", "Schröder", "Köhler", "Groß", "Weiß", "Jäger", "Böhm",
            "Krüger", "Hoffmann", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
            "Schulz", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Neumann", "Schwarz",
            "Zimmermann", "Braun", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Lößner",
        ),
        cities=(
            ("Berlin", "DE-BE"), ("München", "DE-BY"), ("Hamburg", "DE-HH"),
            ("Köln", "DE-NW"), ("Düsseldorf", "DE-NW"), ("Frankfurt am Main", "DE-HE"),
            ("Heidelberg", "DE-BW"), ("Tübingen", "DE-BW"), ("Freiburg", "DE-BW"),
            ("Dresden", "DE-SN"), ("Leipzig", "DE-SN"), ("Würzburg", "DE-BY"),
        ),
        hospital_patterns=(
            "Universitätsklinikum {city}", "Klinikum {city}", "Städtisches Klinikum {city}",
            "Herzzentrum {city}", "Tumorzentrum {city}", "Neurologische Klinik {city}",
            "Krankenhaus der Barmherzigen Brüder {city}",
        ),
    ),
    Country(
        code="AT",
        weight=3,
        languages=("de",),
        given_names=(
            "Wolfgang", "Günther", "Josef", "Florian", "Lukas", "Elisabeth", "Theresa",
            "Magdalena", "Katharina", "Andrä",
        ),
        family_names=(
            "Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer",
            "Hofer", "Leitner", "Berger", "Fuchs", "Eder", "Fischer", "Schmid", "Höller",
            "Plöchl",
        ),
        cities=(("Wien", "AT-9"), ("Graz", "AT-6"), ("Innsbruck", "AT-7"), ("Salzburg", "AT-5")),
        hospital_patterns=(
            "Universitätsklinikum {city}", "Landeskrankenhaus {city}", "Ordensklinikum {city}",
        ),
    ),
    Country(
        code="CH",
        weight=3,
        languages=("de", "fr"),
        given_names=(
            "Reto", "Urs", "Beat", "Daniela", "Regula", "Corinne", "Lucien", "Mathilde",
            "Andrea", "Chantal",
        ),
        family_names=(
            "Meier", "Keller", "Brunner", "Baumann", "Frei", "Zürcher", "Gerber", "Widmer",
            "Favre", "Rochat", "Müller", "Schnyder", "Käser",
        ),
        cities=(("Zürich", "CH-ZH"), ("Bern", "CH-BE"), ("Basel", "CH-BS"), ("Genève", "CH-GE")),
        hospital_patterns=("Universitätsspital {city}", "Kantonsspital {city}", "Klinik {city}"),
    ),
    Country(
        code="FR",
        weight=10,
        languages=("fr",),
        given_names=(
            "François", "Hélène", "Jérôme", "Théo", "Benoît", "Cécile", "Gaëlle", "Anaïs",
            "Élodie", "Stéphane", "Frédéric", "Loïc", "Noémie", "Amélie", "Sébastien", "Aurélien",
            "Marie", "Julien", "Camille", "Nicolas",
        ),
        family_names=(
            "Lefèvre", "Dubois", "Moreau", "Laurent", "Girard", "Bonnet", "Dupont", "Lambert",
            "Fontaine", "Rousseau", "Vincent", "Mercier", "Lefebvre", "Bérubé", "Chevalier",
            "Garnier", "Faure", "André", "Perrin", "Benoît", "Gauthier", "Clément",
        ),
        cities=(
            ("Paris", ""), ("Lyon", ""), ("Marseille", ""), ("Toulouse", ""), ("Lille", ""),
            ("Bordeaux", ""), ("Nantes", ""), ("Strasbourg", ""), ("Montpellier", ""),
        ),
        hospital_patterns=(
            "Centre Hospitalier Universitaire de {city}", "Hôpital Saint-Louis de {city}",
            "Institut de Cancérologie de {city}", "Hôpital Cardiologique de {city}",
            "Clinique de l'Écluse {city}",
        ),
    ),
    Country(
        code="ES",
        weight=9,
        languages=("es",),
        given_names=(
            "José", "María", "Jesús", "Ángel", "Lucía", "Inés", "Andrés", "Óscar", "Begoña",
            "Rocío", "Sofía", "Martín", "Raúl", "Nuria", "Íñigo", "Carmen", "Javier", "Elena",
        ),
        family_names=(
            "García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Rodríguez",
            "González", "Díaz", "Hernández", "Muñoz", "Jiménez", "Álvarez", "Romero", "Ibáñez",
            "Núñez", "Castaño", "Ortiz", "Rubio",
        ),
        cities=(
            ("Madrid", ""), ("Barcelona", ""), ("Valencia", ""), ("Sevilla", ""),
            ("Málaga", ""), ("Bilbao", ""), ("Zaragoza", ""), ("Salamanca", ""),
        ),
        hospital_patterns=(
            "Hospital Universitario de {city}", "Hospital Clínico de {city}",
            "Instituto Oncológico de {city}", "Hospital del Corazón de {city}",
            "Clínica San Rafael de {city}",
        ),
    ),
    Country(
        code="IT",
        weight=7,
        languages=("it",),
        given_names=(
            "Giuseppe", "Giovanni", "Francesca", "Niccolò", "Chiara", "Lucrezia", "Matteo",
            "Giulia", "Alessandro", "Federica", "Lorenzo", "Elena",
        ),
        family_names=(
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco", "Bruno", "Gallo", "De Luca", "Mancini", "Lombardi", "Fabbrò",
        ),
        cities=(
            ("Milano", ""), ("Roma", ""), ("Torino", ""), ("Bologna", ""), ("Napoli", ""),
            ("Padova", ""), ("Firenze", ""),
        ),
        hospital_patterns=(
            "Ospedale Maggiore di {city}", "Policlinico di {city}",
            "Istituto Tumori di {city}", "Azienda Ospedaliera Universitaria di {city}",
        ),
    ),
    Country(
        code="GB",
        weight=7,
        languages=("en",),
        given_names=(
            "Oliver", "Amelia", "Harry", "Isla", "George", "Charlotte", "Alistair", "Siobhan",
            "Eilidh", "Rhys", "Imogen", "Rupert", "Fiona", "Callum",
        ),
        family_names=(
            "Smith", "Jones", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
            "Roberts", "Johnson", "Walker", "Wright", "Robinson", "Thompson", "Ó Súilleabháin",
            "MacDonald", "Campbell", "Hughes",
        ),
        cities=(
            ("London", ""), ("Manchester", ""), ("Birmingham", ""), ("Oxford", ""),
            ("Cambridge", ""), ("Edinburgh", ""), ("Glasgow", ""), ("Leeds", ""),
        ),
        hospital_patterns=(
            "{city} Royal Infirmary", "{city} University Hospitals NHS Trust",
            "{city} Cancer Centre", "Royal {city} Heart Hospital",
        ),
    ),
    Country(
        code="JP",
        weight=6,
        languages=("ja",),
        given_names=(
            "Hiroshi", "Takeshi", "Yūki", "Kenji", "Shōta", "Haruka", "Yōko", "Megumi",
            "Akiko", "Daisuke", "Ryōta", "Naoko", "Kōji", "Emi",
        ),
        family_names=(
            "Satō", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Itō", "Yamamoto", "Nakamura",
            "Kobayashi", "Katō", "Yoshida", "Yamada", "Sasaki", "Ōta", "Kōno", "Inoue",
        ),
        cities=(
            ("Tokyo", ""), ("Osaka", ""), ("Kyoto", ""), ("Nagoya", ""), ("Fukuoka", ""),
            ("Sapporo", ""), ("Sendai", ""),
        ),
        hospital_patterns=(
            "{city} University Hospital", "{city} Medical Center", "{city} Cancer Center",
            "{city} Cardiovascular Center",
        ),
    ),
    Country(
        code="SE",
        weight=3,
        languages=("sv", "en"),
        given_names=(
            "Åsa", "Björn", "Göran", "Örjan", "Linnéa", "Märta", "Anders", "Karin", "Sofia",
            "Mikael",
        ),
        family_names=(
            "Ångström", "Lindström", "Nyström", "Åberg", "Öberg", "Söderberg", "Johansson",
            "Andersson", "Karlsson", "Nilsson", "Eriksson", "Lundqvist",
        ),
        cities=(("Stockholm", ""), ("Göteborg", ""), ("Uppsala", ""), ("Lund", ""), ("Malmö", "")),
        hospital_patterns=("{city} universitetssjukhus", "Karolinska {city}", "{city} hjärtcentrum"),
    ),
    Country(
        code="PL",
        weight=3,
        languages=("pl", "en"),
        given_names=(
            "Łukasz", "Paweł", "Michał", "Wojciech", "Małgorzata", "Agnieszka", "Katarzyna",
            "Żaneta", "Grzegorz", "Jędrzej",
        ),
        family_names=(
            "Wójcik", "Kowalczyk", "Woźniak", "Dąbrowski", "Kamiński", "Lewandowski",
            "Zieliński", "Szymański", "Kaczmarek", "Żółkowski", "Nowak", "Wiśniewski",
        ),
        cities=(("Warszawa", ""), ("Kraków", ""), ("Gdańsk", ""), ("Wrocław", ""), ("Łódź", "")),
        hospital_patterns=(
            "Szpital Uniwersytecki w {city}", "Centrum Onkologii {city}",
            "Instytut Kardiologii {city}",
        ),
    ),
    Country(
        code="TR",
        weight=3,
        languages=("tr", "en"),
        given_names=(
            "Çağlar", "Şule", "Gökhan", "Özlem", "Müge", "İbrahim", "Ayşe", "Ömer", "Selin",
            "Barış",
        ),
        family_names=(
            "Çelik", "Şahin", "Öztürk", "Yılmaz", "Kaya", "Demir", "Yıldız", "Aydın", "Arslan",
            "Doğan", "Kılıç", "Güneş",
        ),
        cities=(("İstanbul", ""), ("Ankara", ""), ("İzmir", ""), ("Bursa", "")),
        hospital_patterns=(
            "{city} Üniversitesi Tıp Fakültesi Hastanesi", "{city} Şehir Hastanesi",
            "{city} Onkoloji Merkezi",
        ),
    ),
)

# fmt: on

#: Therapeutic areas and their specialties, with NUCC taxonomy codes where we use one.
THERAPEUTIC_AREAS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "oncology",
        "Oncology",
        (
            ("Medical Oncology", "207RX0202X"),
            ("Hematology and Oncology", "207RH0003X"),
            ("Radiation Oncology", "2085R0001X"),
            ("Surgical Oncology", ""),
        ),
    ),
    (
        "cardiology",
        "Cardiology",
        (
            ("Cardiovascular Disease", "207RC0000X"),
            ("Interventional Cardiology", "207RI0011X"),
            ("Clinical Cardiac Electrophysiology", "207RC0001X"),
            ("Heart Failure", ""),
        ),
    ),
    (
        "neurology",
        "Neurology",
        (
            ("Neurology", "2084N0400X"),
            ("Movement Disorders", ""),
            ("Epileptology", ""),
            ("Neuro-oncology", ""),
        ),
    ),
    (
        "immunology",
        "Immunology",
        (
            ("Rheumatology", "207RR0500X"),
            ("Dermatology", "207N00000X"),
            ("Gastroenterology", "207RG0100X"),
            ("Allergy and Immunology", "207K00000X"),
        ),
    ),
)

ORGANIZATION_KINDS = {
    "University": "academic_medical_center",
    "Universit": "academic_medical_center",
    "Hospitalier Universitaire": "academic_medical_center",
    "Policlinico": "academic_medical_center",
    "Cancer": "research_institute",
    "Institut": "research_institute",
    "Tumor": "research_institute",
    "Onko": "research_institute",
    "Clinic": "clinic",
    "Klinik ": "clinic",
    "Clinique": "clinic",
}

US_CREDENTIALS = (("MD",), ("MD", "PhD"), ("DO",), ("PharmD",), ("MD", "MPH"), ("RN", "NP"))
OTHER_CREDENTIALS = (("MD",), ("MD", "PhD"), ("PhD",), ("MD",))
SUFFIXES = ("Jr.", "III", "Sr.")

AFFILIATION_ROLES = (
    "Professor of Medicine",
    "Associate Professor",
    "Attending physician",
    "Head of Department",
    "Consultant",
    "Principal investigator",
    "Clinical research fellow",
    "Chief medical officer",
)

CONSENT_SOURCES = ("signed consent form", "web preference centre", "verbal, recorded by MSL")
CONTACT_CHANNELS = ("email", "phone", "visit", "video")
