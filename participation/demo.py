"""Demonstration data for a newcomer's machine. Idempotent.

`flask demo load` creates the demo accounts (staff and a few dozen citizens),
about fifty ideas written like real Brussels residents would, in French, Dutch
and English, across the four challenges and many municipalities, with
supports spread over the last 60 days, comments with replies, and a few ideas
pending review. Running it again creates nothing new: accounts are found by
email, ideas by title.

Rows are built directly (with fixed, believable dates); the counters
support_count and comment_count are set to the number of rows created.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from participation.extensions import db
from participation.models import Challenge, Comment, Idea, Municipality, Support, User
from participation.models.base import utcnow
from participation.sanitize import render_markdown
from participation.services.passwords import hash_password

DEMO_PASSWORD = "brussels-demo-2026"

DEMO_USERS = [
    ("admin@demo.brussels", "Admin Région", "admin", "fr"),
    ("moderator@demo.brussels", "Modératrice Sofia", "moderator", "fr"),
    ("official@demo.brussels", "Ambtenaar Pieter", "official", "nl"),
    ("amina@demo.brussels", "Amina", "citizen", "fr"),
    ("jan@demo.brussels", "Jan", "citizen", "nl"),
    ("sarah@demo.brussels", "Sarah", "citizen", "en"),
]

# Citizens who propose, support and comment: (short name, display name,
# language, municipality slug). Their email is <short>@demo.brussels.
DEMO_CITIZENS = [
    ("fatima", "Fatima B.", "fr", "schaerbeek"),
    ("lucas", "Lucas Vermeulen", "nl", "jette"),
    ("claire", "Claire D.", "fr", "ixelles"),
    ("youssef", "Youssef El Amrani", "fr", "molenbeek-saint-jean"),
    ("ines", "Inès", "fr", "saint-gilles"),
    ("pieter", "Pieter-Jan", "nl", "etterbeek"),
    ("marta", "Marta K.", "en", "bruxelles"),
    ("thomas", "Thomas Lambert", "fr", "uccle"),
    ("lotte", "Lotte", "nl", "schaerbeek"),
    ("david", "David O.", "en", "ixelles"),
    ("nadia", "Nadia", "fr", "anderlecht"),
    ("koen", "Koen De Smet", "nl", "anderlecht"),
    ("sophie", "Sophie M.", "fr", "woluwe-saint-lambert"),
    ("giulia", "Giulia R.", "en", "saint-gilles"),
    ("mehdi", "Mehdi", "fr", "saint-josse-ten-noode"),
    ("eline", "Eline", "nl", "bruxelles"),
    ("antoine", "Antoine V.", "fr", "watermael-boitsfort"),
    ("ana", "Ana Pereira", "en", "forest"),
    ("bram", "Bram", "nl", "koekelberg"),
    ("julie", "Julie H.", "fr", "auderghem"),
    ("oumar", "Oumar D.", "fr", "evere"),
    ("hanne", "Hanne", "nl", "ganshoren"),
    ("kasia", "Kasia", "en", "etterbeek"),
    ("maxime", "Maxime", "fr", "forest"),
    ("wout", "Wout Peeters", "nl", "berchem-sainte-agathe"),
    ("leila", "Leïla", "fr", "woluwe-saint-pierre"),
    ("john", "John", "en", "woluwe-saint-pierre"),
    ("chantal", "Chantal", "fr", "jette"),
    ("arne", "Arne", "nl", "saint-gilles"),
    ("rania", "Rania", "fr", "schaerbeek"),
]

# More residents who only support and comment (same email scheme).
SUPPORTER_NAMES = [
    ("camille", "fr"),
    ("sven", "nl"),
    ("aicha", "fr"),
    ("tom", "nl"),
    ("elena", "en"),
    ("hugo", "fr"),
    ("fien", "nl"),
    ("samir", "fr"),
    ("noor", "nl"),
    ("lea", "fr"),
    ("ruben", "nl"),
    ("zoe", "fr"),
    ("joris", "nl"),
    ("salma", "fr"),
    ("ben", "en"),
    ("margaux", "fr"),
    ("dries", "nl"),
    ("yasmine", "fr"),
    ("emma", "en"),
    ("karim", "fr"),
    ("sien", "nl"),
    ("olivier", "fr"),
    ("anouk", "nl"),
    ("ibrahim", "fr"),
    ("laura", "en"),
    ("pauline", "fr"),
    ("jonas", "nl"),
    ("sara", "fr"),
    ("mathias", "nl"),
    ("amelie", "fr"),
    ("victor", "fr"),
    ("ilse", "nl"),
    ("hamza", "fr"),
    ("nora", "en"),
    ("quentin", "fr"),
    ("bart", "nl"),
    ("manon", "fr"),
    ("jelle", "nl"),
    ("soraya", "fr"),
    ("paul", "en"),
]
DEMO_CITIZENS += [
    (short, short.capitalize(), language, DEMO_CITIZENS[n % len(DEMO_CITIZENS)][3])
    for n, (short, language) in enumerate(SUPPORTER_NAMES)
]


@dataclass(frozen=True)
class DemoIdea:
    author: str  # short name of a demo citizen
    challenge: str
    place: str | None  # municipality slug, None for the whole Region
    language: str
    title: str
    body: str
    days_ago: int
    popularity: int  # how many supports (roughly)
    status: str = "published"
    # Share of its supports given in the last week (makes "trending" differ).
    recent: float = 0.1


IDEAS: list[DemoIdea] = [
    # --- A connected Region -------------------------------------------------
    DemoIdea(
        "fatima",
        "connected",
        None,
        "fr",
        "Des données ouvertes en temps réel sur les retards de la STIB",
        "Chaque matin, j'attends le 92 sans savoir s'il a dix minutes de retard ou s'il "
        "est supprimé. La STIB publie déjà des horaires, mais pas les retards réels ni leur "
        "historique.\n\nJe propose que la Région publie ces données en open data, mises à jour "
        "chaque minute, avec un historique mensuel par ligne. Des développeurs bruxellois "
        "pourraient en faire des applis, et on verrait enfin quelles lignes souffrent le plus.",
        52,
        38,
        recent=0.05,
    ),
    DemoIdea(
        "lucas",
        "connected",
        "jette",
        "nl",
        "Gratis wifi in de bibliotheken én in het Boudewijnpark",
        "In Jette hebben veel jongeren thuis geen goede internetverbinding. De bibliotheek "
        "sluit om 18 uur. Waarom geen open wifi-netwerk rond het Boudewijnpark en het "
        "Koningin Astridplein, zodat studenten ook 's avonds hun taken kunnen doen?",
        45,
        17,
    ),
    DemoIdea(
        "marta",
        "connected",
        None,
        "en",
        "One app to pay for STIB, Villo! and parking",
        "As a newcomer I have four apps on my phone just to move around Brussels: MoBIB, "
        "Villo!, the parking app of my municipality and another one for the SNCB.\n\n"
        "The Region could offer a single account, in three languages, where I can pay for "
        "all of them and see my monthly spending. Other cities did it years ago.",
        40,
        44,
        recent=0.3,
    ),
    DemoIdea(
        "thomas",
        "connected",
        "uccle",
        "fr",
        "Un guichet en ligne unique pour les permis d'urbanisme",
        "Pour remplacer mes châssis à Uccle, j'ai dû imprimer, signer et déposer six "
        "documents. Le portail régional existe, mais on ne sait jamais où en est le dossier."
        "\n\nJe propose un suivi en ligne du dossier, étape par étape, avec une notification "
        "quand la commune ou urban.brussels attend quelque chose de nous.",
        33,
        12,
    ),
    DemoIdea(
        "david",
        "connected",
        "ixelles",
        "en",
        "Show real-time free spots in the Flagey and Tulipe car parks",
        "On Saturdays people drive around Flagey looking for a spot, which adds traffic and "
        "noise. Displaying the number of free places in the public car parks, online and on "
        "a few panels at Place Flagey, would cut those loops.",
        28,
        9,
    ),
    DemoIdea(
        "koen",
        "connected",
        "anderlecht",
        "nl",
        "Digitale hulp voor ouderen in elk OCMW",
        "Mijn moeder (78) krijgt haar facturen en afspraken steeds vaker alleen nog online. "
        "Ze durft niet alleen op itsme te klikken.\n\nLaat in elk OCMW een vaste "
        "permanentie organiseren, twee keer per week, waar vrijwilligers en studenten "
        "ouderen helpen met hun digitale administratie. In het Nederlands én het Frans.",
        24,
        31,
        recent=0.2,
    ),
    DemoIdea(
        "mehdi",
        "connected",
        "saint-josse-ten-noode",
        "fr",
        "Des bornes de recharge de téléphone et du wifi dans les abris de bus",
        "À Saint-Josse, beaucoup d'habitants n'ont qu'un téléphone pour tout faire. Quand la "
        "batterie lâche, on est coupé de tout. Quelques abris de bus équipés d'une prise USB "
        "et d'un wifi gratuit, sur la chaussée de Louvain par exemple, rendraient service.",
        19,
        7,
    ),
    DemoIdea(
        "giulia",
        "connected",
        "saint-gilles",
        "en",
        "Publish the Villo! station status as open data, including broken bikes",
        "The Villo! map often shows bikes that cannot be unlocked. If the station data "
        "included the number of bikes out of order, apps could show what is really "
        "available, and we could see which stations need maintenance most often.",
        14,
        15,
        recent=0.5,
    ),
    DemoIdea(
        "eline",
        "connected",
        "bruxelles",
        "nl",
        "Meertalige chatbot voor vragen aan het Gewest",
        "Wie een vraag heeft over premies, afval of parkeren, wordt van website naar "
        "website gestuurd. Een eenvoudige assistent in het Nederlands, Frans en Engels die "
        "naar de juiste dienst doorverwijst, zou veel frustratie besparen.",
        9,
        5,
    ),
    DemoIdea(
        "oumar",
        "connected",
        "evere",
        "fr",
        "Couvrir la fibre dans les logements sociaux d'Evere",
        "Dans notre immeuble de logements sociaux, la fibre s'arrête au trottoir. Les "
        "opérateurs disent que ce n'est pas rentable. La Région pourrait imposer le "
        "raccordement lors des rénovations et négocier un tarif social.",
        6,
        11,
        recent=0.8,
    ),
    DemoIdea(
        "kasia",
        "connected",
        "etterbeek",
        "en",
        "Live occupancy of the Etterbeek and Ixelles libraries and study rooms",
        "During exams, students walk from one library to another to find a seat. A simple "
        "web page showing how full each public study room is would save a lot of time.",
        3,
        4,
        recent=1.0,
    ),
    # --- A sustainable Region --------------------------------------------------
    DemoIdea(
        "claire",
        "sustainable",
        "ixelles",
        "fr",
        "Une vraie piste cyclable séparée sur la chaussée de Wavre",
        "La chaussée de Wavre est l'un des axes les plus dangereux pour les cyclistes entre "
        "Ixelles et Etterbeek : voitures garées sur la bande cyclable, bus qui frôlent les "
        "vélos, livraisons en double file.\n\nJe propose une piste cyclable séparée "
        "physiquement, dans les deux sens, au moins entre la place Saint-Boniface et "
        "Merode, avec des zones de livraison bien marquées.",
        58,
        61,
        recent=0.15,
    ),
    DemoIdea(
        "pieter",
        "sustainable",
        "etterbeek",
        "nl",
        "Meer fietsenstallingen aan het station Etterbeek",
        "Aan het station Etterbeek hangen elke ochtend fietsen aan elke paal. Een overdekte, "
        "beveiligde fietsenstalling zoals in Gent of Leuven zou meer pendelaars op de fiets "
        "krijgen. Ook met plaats voor bakfietsen.",
        50,
        23,
    ),
    DemoIdea(
        "ines",
        "sustainable",
        "saint-gilles",
        "fr",
        "Plus d'arbres et moins de béton sur le parvis de Saint-Gilles",
        "En été, le parvis devient une plaque chauffante. On pourrait désimperméabiliser une "
        "partie de la place, planter des arbres à grand développement et installer une "
        "fontaine à boire. Les terrasses seraient plus agréables pour tout le monde.",
        47,
        27,
    ),
    DemoIdea(
        "youssef",
        "sustainable",
        "molenbeek-saint-jean",
        "fr",
        "Végétaliser les quais du Canal entre Molenbeek et Tour & Taxis",
        "Les quais du Canal sont magnifiques mais très minéraux. Avec des bacs plantés, des "
        "bancs à l'ombre et une promenade continue jusqu'à Tour & Taxis, on créerait un "
        "vrai lieu de vie pour les deux rives.",
        43,
        34,
        recent=0.1,
    ),
    DemoIdea(
        "lotte",
        "sustainable",
        "schaerbeek",
        "nl",
        "Een buurtcomposteerbak in elke straat van Schaarbeek",
        "Sinds de oranje zak verplicht is, zoeken veel bewoners zonder tuin een oplossing. "
        "Buurtcompost werkt prima in de Josaphatwijk. Laat de gemeente en Net Brussel "
        "helpen om in elke wijk een composteerplek met vrijwilligers op te zetten.",
        38,
        19,
    ),
    DemoIdea(
        "antoine",
        "sustainable",
        "watermael-boitsfort",
        "fr",
        "Fermer la traversée du Bois de la Cambre aux voitures le week-end, toute l'année",
        "Le Bois de la Cambre fermé aux voitures a été une bouffée d'air pendant la crise "
        "sanitaire. Les familles, les joggeurs et les cyclistes en profitent chaque "
        "dimanche.\n\nJe propose de le fermer au trafic de transit tous les week-ends de "
        "l'année, en gardant un accès pour les riverains et les services de secours.",
        36,
        48,
        recent=0.25,
    ),
    DemoIdea(
        "ana",
        "sustainable",
        "forest",
        "en",
        "Longer opening hours for the recyparks, including Sunday mornings",
        "Most people who work can only go to the recypark on Saturday, and the queue at the "
        "Forest recypark goes all the way to the street. Opening on Sunday mornings and one "
        "evening a week would spread the visits and reduce illegal dumping.",
        31,
        22,
        recent=0.3,
    ),
    DemoIdea(
        "bram",
        "sustainable",
        "koekelberg",
        "nl",
        "Zonnepanelen op alle scholen en sporthallen van het Gewest",
        "Platte daken van scholen en sporthallen liggen er leeg bij. Met een regionaal "
        "programma en een coöperatie van bewoners kunnen we ze vol leggen met zonnepanelen "
        "en de opbrengst gebruiken voor de energiefacturen van de school.",
        27,
        26,
    ),
    DemoIdea(
        "sophie",
        "sustainable",
        "woluwe-saint-lambert",
        "fr",
        "Des rues scolaires le matin dans tout Woluwe",
        "Devant l'école de mes enfants, c'est le chaos entre 8 h et 8 h 30. Les rues "
        "scolaires, fermées aux voitures pendant vingt minutes, marchent très bien ailleurs. "
        "Généralisons-les autour de chaque école primaire.",
        22,
        30,
        recent=0.35,
    ),
    DemoIdea(
        "wout",
        "sustainable",
        "berchem-sainte-agathe",
        "nl",
        "Een veilige fietsroute van Berchem naar het Kanaal",
        "Wie vanuit Sint-Agatha-Berchem naar het centrum fietst, moet via drukke "
        "steenwegen. Een bewegwijzerde fietsroute langs rustige straten en het "
        "Elisabethpark, tot aan het Kanaal, zou veel ouders overtuigen.",
        16,
        14,
    ),
    DemoIdea(
        "giulia",
        "sustainable",
        "saint-gilles",
        "en",
        "Water refill fountains in every park",
        "Brussels tap water is good, yet in summer people buy plastic bottles in the parks. "
        "Drinking fountains in Parc de Forest, Parc Duden and Parc de Saint-Gilles would "
        "help families and reduce waste.",
        11,
        18,
        recent=0.6,
    ),
    DemoIdea(
        "julie",
        "sustainable",
        "auderghem",
        "fr",
        "Un Villo! électrique jusqu'au Rouge-Cloître et à Delta",
        "Les stations Villo! s'arrêtent souvent là où commencent les montées. Avec des vélos "
        "électriques et des stations à Delta, au Rouge-Cloître et près de l'ULB La Plaine, "
        "beaucoup d'habitants d'Auderghem laisseraient la voiture.",
        4,
        9,
        recent=0.9,
    ),
    # --- An open Region ----------------------------------------------------------
    DemoIdea(
        "eline",
        "open",
        None,
        "nl",
        "Publiceer alle subsidies van het Gewest in een open databank",
        "Welke vereniging krijgt hoeveel, en waarvoor? Die informatie bestaat, maar zit "
        "verspreid in pdf's. Eén doorzoekbare databank met alle regionale subsidies, "
        "bijgewerkt elk kwartaal, zou vertrouwen geven.",
        55,
        29,
        recent=0.05,
    ),
    DemoIdea(
        "nadia",
        "open",
        "anderlecht",
        "fr",
        "Filmer et diffuser en direct les conseils communaux",
        "Beaucoup d'habitants travaillent le soir et ne peuvent pas assister au conseil "
        "communal. Une diffusion en direct, avec les archives en ligne et l'ordre du jour "
        "lisible, rendrait la politique locale plus proche de nous.",
        49,
        25,
    ),
    DemoIdea(
        "david",
        "open",
        None,
        "en",
        "Publish Good Move traffic counts before and after each change",
        "The Good Move plan caused heated debates in several neighbourhoods, often based on "
        "impressions. Publishing the traffic, air quality and accident counts before and "
        "after each change, street by street, would let everyone judge on facts.",
        44,
        41,
        recent=0.2,
    ),
    DemoIdea(
        "chantal",
        "open",
        "jette",
        "fr",
        "Un budget participatif régional pour les quartiers",
        "Plusieurs communes ont un budget participatif, d'autres non. Je propose qu'une part "
        "du budget régional soit décidée chaque année par les habitants, quartier par "
        "quartier, avec un vote ouvert dès 16 ans.",
        39,
        33,
    ),
    DemoIdea(
        "arne",
        "open",
        "saint-gilles",
        "nl",
        "Alle antwoorden op burgervragen online in drie talen",
        "Als ik een vraag stel aan het Gewest, krijg ik een antwoord per mail. Anderen "
        "stellen dezelfde vraag. Publiceer de antwoorden (anoniem) online, doorzoekbaar en "
        "in het Nederlands, Frans en Engels.",
        30,
        10,
    ),
    DemoIdea(
        "claire",
        "open",
        "ixelles",
        "fr",
        "Ouvrir les données des permis d'urbanisme avec une carte",
        "Quand une grue apparaît au bout de ma rue, je ne sais jamais ce qui se construit. "
        "Une carte ouverte des permis demandés et accordés, avec les dates d'enquête "
        "publique, permettrait de participer à temps.",
        25,
        20,
        recent=0.3,
    ),
    DemoIdea(
        "rania",
        "open",
        "schaerbeek",
        "fr",
        "Traduire les documents officiels en langage clair",
        "Les courriers de la Région sont souvent incompréhensibles, même pour des "
        "francophones. Un effort de langage clair, avec un résumé en trois phrases en haut "
        "de chaque courrier, aiderait tout le monde, surtout les primo-arrivants.",
        20,
        16,
    ),
    DemoIdea(
        "john",
        "open",
        "woluwe-saint-pierre",
        "en",
        "An open register of all public benches, toilets and water points",
        "Older people and parents plan their walks around benches and toilets. The Region "
        "could publish an open map of all public benches, toilets and drinking fountains, "
        "with their accessibility, and let residents report missing ones.",
        13,
        13,
        recent=0.4,
    ),
    DemoIdea(
        "hanne",
        "open",
        "ganshoren",
        "nl",
        "Open vergaderingen over het nieuwe park aan de Basiliek",
        "Over de heraanleg rond de Basiliek beslissen mensen die er niet wonen. Organiseer "
        "open avonden in Ganshoren en Koekelberg waar bewoners plannen kunnen zien en "
        "bijsturen vóór de vergunning.",
        8,
        6,
    ),
    DemoIdea(
        "maxime",
        "open",
        "forest",
        "fr",
        "Publier les délais réels de traitement des demandes de primes énergie",
        "J'ai attendu onze mois ma prime Renolution. Publier chaque mois les délais moyens "
        "de traitement, par type de prime, pousserait à améliorer les choses et "
        "aiderait les ménages à planifier leurs travaux.",
        2,
        8,
        recent=1.0,
    ),
    # --- A safe Region ------------------------------------------------------------
    DemoIdea(
        "rania",
        "safe",
        "schaerbeek",
        "fr",
        "Des traversées sûres près des écoles de Schaerbeek",
        "Rue Josaphat et avenue Rogier, les enfants traversent entre des voitures garées, "
        "sans visibilité. Je propose des oreilles de trottoir, des passages piétons "
        "surélevés et des radars pédagogiques devant chaque école de la commune.\n\n"
        "- priorité aux écoles primaires ;\n- un agent aux heures d'entrée ;\n"
        "- un bilan public après un an.",
        57,
        55,
        recent=0.2,
    ),
    DemoIdea(
        "lotte",
        "safe",
        "schaerbeek",
        "nl",
        "Betere verlichting in het Josaphatpark en de tunnel onder het spoor",
        "'s Avonds durf ik niet meer door de tunnel aan het station Schaarbeek. De "
        "verlichting is zwak en vaak kapot. Ledverlichting met een meldpunt voor defecten "
        "zou veel vrouwen en jongeren een veiliger gevoel geven.",
        51,
        28,
    ),
    DemoIdea(
        "sarah",
        "safe",
        "bruxelles",
        "en",
        "Make Zone 30 real with raised crossings, not just signs",
        "Most of the Region is Zone 30, but on Boulevard Anspach's side streets cars still "
        "drive at 50. Signs alone don't work. Raised crossings, narrower lanes and a few "
        "speed cameras near schools and parks would make the rule real.",
        46,
        36,
        recent=0.1,
    ),
    DemoIdea(
        "youssef",
        "safe",
        "molenbeek-saint-jean",
        "fr",
        "Sécuriser les abords de la gare de Bruxelles-Midi la nuit",
        "Le soir, les abords de la gare du Midi sont sombres et peu fréquentés côté rue de "
        "France. Plus d'éclairage, des commerces ouverts plus tard et une présence de "
        "gardiens de la paix rendraient le quartier plus sûr pour les voyageurs.",
        41,
        40,
        recent=0.15,
    ),
    DemoIdea(
        "nadia",
        "safe",
        "anderlecht",
        "fr",
        "Des passages piétons éclairés sur la chaussée de Mons",
        "Plusieurs accidents ont eu lieu sur la chaussée de Mons entre Clemenceau et "
        "Cureghem. Des passages piétons mieux éclairés, avec un îlot central, sont "
        "urgents.",
        35,
        21,
    ),
    DemoIdea(
        "koen",
        "safe",
        None,
        "nl",
        "Duidelijke regels voor camera's en persoonsgegevens in de openbare ruimte",
        "Er komen steeds meer slimme camera's in onze straten. Wie bekijkt de beelden, hoe "
        "lang worden ze bewaard? Publiceer een register van alle camera's met hun doel en "
        "bewaartermijn, zoals de GDPR vraagt.",
        29,
        24,
    ),
    DemoIdea(
        "leila",
        "safe",
        "woluwe-saint-pierre",
        "fr",
        "Un trottoir continu et praticable le long de l'avenue de Tervueren",
        "Avec une poussette ou en chaise roulante, le trottoir de l'avenue de Tervueren est "
        "une course d'obstacles : racines, poteaux, trottinettes abandonnées. Un "
        "cheminement continu et des zones de stationnement pour trottinettes s'imposent.",
        23,
        15,
    ),
    DemoIdea(
        "kasia",
        "safe",
        "etterbeek",
        "en",
        "Designated drop zones for shared scooters near Merode and Schuman",
        "Shared e-scooters block pavements every day around Merode and Schuman. Clear drop "
        "zones painted on the street, and fines for operators when scooters are left "
        "elsewhere, would make walking safe again.",
        17,
        20,
        recent=0.5,
    ),
    DemoIdea(
        "hanne",
        "safe",
        "ganshoren",
        "nl",
        "Een veilige oversteek aan de Keizer Karellaan voor schoolkinderen",
        "Kinderen van drie scholen steken de Keizer Karellaan over waar auto's 70 rijden. "
        "Een verkeerslicht op aanvraag en een gemachtigd opzichter zijn dringend nodig.",
        10,
        19,
        recent=0.7,
    ),
    DemoIdea(
        "mehdi",
        "safe",
        "saint-josse-ten-noode",
        "fr",
        "Plus de propreté et d'éclairage rue de Brabant avec Bruxelles-Propreté",
        "Les sacs déposés au mauvais moment, les trottoirs sales et l'éclairage faible "
        "donnent un sentiment d'abandon. Un passage plus fréquent de Bruxelles-Propreté et "
        "une campagne avec les commerçants changeraient l'ambiance du quartier.",
        5,
        12,
        recent=0.9,
    ),
    DemoIdea(
        "thomas",
        "safe",
        "uccle",
        "fr",
        "Limiter la vitesse à 30 km/h chaussée d'Alsemberg à hauteur des écoles",
        "Trois écoles se trouvent sur la chaussée d'Alsemberg. Je propose la même vitesse "
        "que dans le reste de la zone 30, avec un contrôle régulier.",
        26,
        6,
        status="withdrawn",
    ),
    # --- Pending review (for moderators) -----------------------------------------
    DemoIdea(
        "ines",
        "sustainable",
        "saint-gilles",
        "fr",
        "Des potagers partagés sur les toits des bâtiments publics",
        "Beaucoup de toits plats de bâtiments publics sont inutilisés. Des potagers partagés, "
        "gérés par des associations de quartier, créeraient du lien et de la fraîcheur.",
        1,
        0,
        status="pending",
    ),
    DemoIdea(
        "bram",
        "connected",
        "koekelberg",
        "nl",
        "Een realtime kaart van alle werven en omleidingen",
        "Elke week is er een nieuwe werf in mijn straat zonder uitleg. Eén kaart met alle "
        "werven, hun duur en de omleidingen voor fietsers en voetgangers, graag.",
        1,
        0,
        status="pending",
    ),
    DemoIdea(
        "john",
        "safe",
        "woluwe-saint-pierre",
        "en",
        "Crossing guards at the Stockel metro exit in the morning",
        "Children coming out of Stockel metro cross a busy square to reach their schools. "
        "Crossing guards between 7:45 and 8:30 would make a big difference.",
        0,
        0,
        status="pending",
    ),
    DemoIdea(
        "chantal",
        "open",
        "jette",
        "fr",
        "Rendre publics les comptes rendus des réunions de quartier",
        "Les réunions de quartier avec la commune ont lieu, mais personne ne sait ce qui y "
        "a été décidé. Publions les comptes rendus en ligne dans les deux langues.",
        0,
        0,
        status="pending",
    ),
]

# Comments: (idea title prefix, author, language text, replies [(author, text)]).
COMMENTS = [
    (
        "Une vraie piste cyclable séparée",
        "pieter",
        "Helemaal akkoord. Ik fiets er elke dag naar mijn werk en word minstens één keer per week "
        "bijna aangereden aan Sint-Bonifaas.",
        [
            (
                "claire",
                "Merci Pieter-Jan ! C'est exactement ce carrefour-là qui m'inquiète le plus.",
            ),
            ("thomas", "Attention aux commerçants : il faudra prévoir des zones de livraison."),
        ],
    ),
    (
        "Une vraie piste cyclable séparée",
        "david",
        "The Avenue de la Couronne lanes show that separated lanes work. Let's have the same here.",
        [],
    ),
    (
        "Des données ouvertes en temps réel sur les retards",
        "marta",
        "Yes please. Even a simple monthly punctuality report per line would already help.",
        [("fatima", "Oui, et avec l'historique on pourrait comparer avant et après les travaux.")],
    ),
    (
        "Des traversées sûres près des écoles de Schaerbeek",
        "lotte",
        "Aan de school in de Josaphatstraat is het elke ochtend gevaarlijk. Goed voorstel!",
        [("rania", "Merci ! N'hésitez pas à partager avec les parents de l'école.")],
    ),
    (
        "Des traversées sûres près des écoles de Schaerbeek",
        "oumar",
        "À Evere aussi, devant l'école de la rue Stroobants. Il faudrait l'étendre à toute la "
        "Région.",
        [],
    ),
    (
        "Fermer la traversée du Bois de la Cambre",
        "leila",
        "Je suis plus réservée : les bus et les taxis doivent aussi pouvoir passer.",
        [
            ("antoine", "Bonne remarque, les bus pourraient garder un accès, comme les secours."),
            ("sophie", "Le dimanche, le bus ne passe déjà pas par là, donc ce serait peu gênant."),
        ],
    ),
    (
        "Make Zone 30 real",
        "eline",
        "Snelheidsremmers helpen echt, in mijn straat rijdt sindsdien niemand nog te snel.",
        [],
    ),
    (
        "One app to pay for STIB",
        "kasia",
        "And please make it work without a Belgian bank card, many students don't have one.",
        [("marta", "Good point, I had exactly that problem in my first months.")],
    ),
    (
        "Végétaliser les quais du Canal",
        "koen",
        "Goed idee, de kaaien aan de Sainctelettesquare zijn nu vooral parking.",
        [],
    ),
    (
        "Publish Good Move traffic counts",
        "chantal",
        "Tout à fait. Le débat serait plus serein avec des chiffres publiés.",
        [("david", "Exactly, and with air quality data from the Brussels Environment sensors.")],
    ),
    (
        "Sécuriser les abords de la gare de Bruxelles-Midi",
        "nadia",
        "Je passe tous les soirs par là, un meilleur éclairage serait déjà un grand pas.",
        [],
    ),
    (
        "Longer opening hours for the recyparks",
        "julie",
        "Et des recyparks mobiles dans les quartiers, une fois par mois, ce serait idéal.",
        [],
    ),
    (
        "Digitale hulp voor ouderen",
        "sophie",
        "Les bibliothèques pourraient aussi accueillir ces permanences.",
        [("koen", "Goed idee, dan zijn ze ook op zaterdag open.")],
    ),
    (
        "Betere verlichting in het Josaphatpark",
        "fatima",
        "Oui, le tunnel est vraiment angoissant le soir.",
        [],
    ),
]


def _demo_email(short: str) -> str:
    return f"{short}@demo.brussels"


def ensure_user(
    email: str,
    name: str,
    role: str,
    language: str,
    municipality_id: int | None = None,
    password_hash: str | None = None,
) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            display_name=name,
            role=role,
            language=language,
            municipality_id=municipality_id,
            password_hash=password_hash or hash_password(DEMO_PASSWORD),
            email_confirmed_at=utcnow() - timedelta(days=90),
        )
        db.session.add(user)
        db.session.flush()
    return user


def _create_idea(
    demo: DemoIdea,
    author: User,
    challenge_id: int,
    municipality_id: int | None,
    supporters: list[User],
    rng: random.Random,
    now,
) -> Idea:
    created = now - timedelta(
        days=demo.days_ago, hours=rng.randint(1, 10), minutes=rng.randint(0, 59)
    )
    published = created + timedelta(hours=rng.randint(2, 20)) if demo.status != "pending" else None
    if published is not None and published > now:
        published = now - timedelta(minutes=5)
    idea = Idea(
        author_id=author.id,
        challenge_id=challenge_id,
        municipality_id=municipality_id,
        title=demo.title,
        body_source=demo.body,
        body_html=render_markdown(demo.body),
        language=demo.language,
        status=demo.status,
        created_at=created,
        updated_at=published or created,
        published_at=published,
        withdrawn_at=(now - timedelta(days=max(demo.days_ago - 5, 1)))
        if demo.status == "withdrawn"
        else None,
    )
    db.session.add(idea)
    db.session.flush()
    if published is None:
        return idea
    # Supports: some in the last week ("recent"), the rest since publication.
    candidates = [u for u in supporters if u.id != author.id]
    count = min(demo.popularity, len(candidates))
    chosen = rng.sample(candidates, count)
    recent_count = round(count * demo.recent)
    age = now - published
    for i, user in enumerate(chosen):
        if i < recent_count:
            window = min(age, timedelta(days=6, hours=20))
        else:
            window = age
        at = now - timedelta(seconds=rng.randint(60, max(61, int(window.total_seconds()))))
        at = max(at, published + timedelta(minutes=5))
        if demo.status == "withdrawn" and idea.withdrawn_at and at > idea.withdrawn_at:
            at = idea.withdrawn_at - timedelta(hours=1)
        db.session.add(Support(idea_id=idea.id, user_id=user.id, created_at=at))
    idea.support_count = count
    if count:
        idea.locked_at = published + timedelta(hours=1)
    return idea


def _add_comments(ideas_by_title: dict[str, Idea], users: dict[str, User], now) -> int:
    created = 0
    for prefix, author, text, replies in COMMENTS:
        idea = next((i for t, i in ideas_by_title.items() if t.startswith(prefix)), None)
        if idea is None or idea.published_at is None:
            continue
        base = max(idea.published_at, now - timedelta(days=30))
        at = base + (now - base) / 3
        comment = Comment(
            idea_id=idea.id,
            author_id=users[author].id,
            body_source=text,
            body_html=render_markdown(text),
            created_at=at,
        )
        db.session.add(comment)
        db.session.flush()
        created += 1
        for n, (reply_author, reply_text) in enumerate(replies, start=1):
            db.session.add(
                Comment(
                    idea_id=idea.id,
                    author_id=users[reply_author].id,
                    parent_id=comment.id,
                    body_source=reply_text,
                    body_html=render_markdown(reply_text),
                    created_at=at + (now - at) * n / (len(replies) + 1),
                )
            )
            created += 1
        idea.comment_count += 1 + len(replies)
    return created


def load() -> str:
    """Create what is missing; return a one-line summary."""
    now = utcnow()
    rng = random.Random(2026)
    password_hash = hash_password(DEMO_PASSWORD)
    places = {m.slug: m.id for m in db.session.scalars(select(Municipality))}
    challenges = {c.slug: c.id for c in db.session.scalars(select(Challenge))}

    new_accounts = 0
    for email, name, role, language in DEMO_USERS:
        before = db.session.scalar(select(User.id).where(User.email == email))
        ensure_user(email, name, role, language, password_hash=password_hash)
        new_accounts += before is None
    citizens: dict[str, User] = {}
    for short, name, language, place in DEMO_CITIZENS:
        email = _demo_email(short)
        before = db.session.scalar(select(User.id).where(User.email == email))
        citizens[short] = ensure_user(
            email, name, "citizen", language, places.get(place), password_hash
        )
        new_accounts += before is None
    for email, *_ in DEMO_USERS:
        short = email.split("@")[0]
        citizens.setdefault(short, db.session.scalar(select(User).where(User.email == email)))
    supporters = [citizens[short] for short, *_ in DEMO_CITIZENS] + [
        citizens[s] for s in ("amina", "jan", "sarah")
    ]

    existing = set(
        db.session.scalars(select(Idea.title).where(Idea.title.in_([d.title for d in IDEAS])))
    )
    new_ideas: dict[str, Idea] = {}
    for demo in IDEAS:
        if demo.title in existing:
            continue
        new_ideas[demo.title] = _create_idea(
            demo,
            citizens[demo.author],
            challenges[demo.challenge],
            places.get(demo.place) if demo.place else None,
            supporters,
            rng,
            now,
        )
    db.session.flush()
    new_comments = _add_comments(new_ideas, citizens, now)
    db.session.flush()
    return (
        f"Demo data ready: {new_accounts} new accounts, {len(new_ideas)} new ideas, "
        f"{new_comments} new comments (password for all accounts: {DEMO_PASSWORD})."
    )
