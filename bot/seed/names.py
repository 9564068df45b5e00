"""Names, countries and address parts for believable demo customers."""

from __future__ import annotations

FIRST_NAMES: list[str] = [
    # English-speaking
    "Emma", "Olivia", "Ava", "Sophia", "Isabella", "Mia", "Charlotte", "Amelia", "Harper",
    "Evelyn", "Abigail", "Emily", "Ella", "Grace", "Chloe", "Lily", "Hannah", "Zoe", "Nora",
    "Ruby", "Alice", "Freya", "Poppy", "Isla", "Liam", "Noah", "Oliver", "James", "William",
    "Benjamin", "Lucas", "Henry", "Alexander", "Jack", "Daniel", "Matthew", "Samuel", "David",
    "Joseph", "Thomas", "George", "Harry", "Oscar", "Charlie", "Ethan", "Ryan", "Nathan",
    "Owen", "Dylan", "Caleb",
    # German / Dutch / Nordic
    "Lena", "Anna", "Leonie", "Marie", "Johanna", "Felix", "Maximilian", "Paul", "Jonas",
    "Lukas", "Finn", "Niklas", "Tobias", "Sanne", "Femke", "Daan", "Sem", "Bram", "Astrid",
    "Ingrid", "Erik", "Lars", "Sven", "Elin",
    # French / Spanish / Italian / Portuguese
    "Camille", "Manon", "Juliette", "Léa", "Louis", "Hugo", "Antoine", "Théo", "Lucía",
    "María", "Sofía", "Carmen", "Elena", "Valentina", "Alejandro", "Javier", "Diego",
    "Pablo", "Mateo", "Giulia", "Francesca", "Marco", "Luca", "Matteo", "Beatriz", "João",
    "Inês", "Rafael",
    # Other origins
    "Aisha", "Fatima", "Amira", "Omar", "Yusuf", "Hassan", "Priya", "Ananya", "Aarav",
    "Rohan", "Vikram", "Mei", "Yuki", "Hana", "Sakura", "Kenji", "Haruto", "Wei", "Jin",
    "Min-jun", "Seo-yeon", "Chiamaka", "Ngozi", "Kwame", "Tunde", "Amara", "Zainab",
    "Dmitri", "Katarzyna", "Piotr", "Agnieszka", "Olga", "Ivan", "Nikolai", "Mateusz",
    "Ayla", "Emre", "Elif", "Kemal", "Leilani", "Kai", "Tariq", "Nadia", "Sara", "Noor",
    "Ines",
]

LAST_NAMES: list[str] = [
    # English-speaking
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
    "Anderson", "Thomas", "Moore", "Jackson", "Martin", "Thompson", "White", "Harris",
    "Clark", "Lewis", "Walker", "Hall", "Young", "Allen", "King", "Wright", "Scott", "Green",
    "Baker", "Adams", "Campbell", "Evans", "Roberts", "Turner", "Parker", "Collins",
    "Edwards", "Stewart", "Morris", "Murphy", "Cook", "O'Brien", "O'Connor", "Kelly",
    "Byrne", "MacDonald", "Fraser",
    # German / Dutch / Nordic
    "Schmidt", "Müller", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann",
    "Schulz", "Koch", "Richter", "Klein", "de Jong", "Jansen", "de Vries", "van den Berg",
    "van Dijk", "Bakker", "Visser", "Smit", "Andersson", "Johansson", "Lindberg", "Nilsen",
    "Hansen", "Larsen",
    # French / Spanish / Italian / Portuguese
    "Dubois", "Lefebvre", "Moreau", "Laurent", "Bernard", "Girard", "Fontaine", "Rousseau",
    "García", "Martínez", "González", "Rodríguez", "López", "Sánchez", "Pérez", "Fernández",
    "Romero", "Navarro", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano",
    "Ricci", "Costa", "Silva", "Santos", "Oliveira", "Pereira",
    # Other origins
    "Khan", "Ali", "Hussain", "Rahman", "Haddad", "Nasser", "Patel", "Sharma", "Gupta",
    "Singh", "Iyer", "Reddy", "Nguyen", "Tran", "Le", "Kim", "Park", "Lee", "Choi", "Wang",
    "Li", "Zhang", "Chen", "Liu", "Tanaka", "Suzuki", "Sato", "Watanabe", "Yamamoto",
    "Okafor", "Adeyemi", "Mensah", "Abebe", "Mwangi", "Kowalski", "Nowak", "Wiśniewski",
    "Ivanov", "Petrov", "Novak", "Horvat", "Yılmaz", "Demir", "Kaya", "Cohen", "Levi",
    "Kahananui", "Mendoza", "Castillo", "Morales",
]

EMAIL_DOMAINS: list[str] = ["example.com", "example.org", "example.net"]

# Weights favour the shop's main markets; a few neighbours keep it varied.
COUNTRY_WEIGHTS: dict[str, int] = {
    "US": 30, "GB": 14, "DE": 12, "FR": 9, "CA": 9, "AU": 7, "NL": 6, "ES": 6,
    "IE": 2, "IT": 2, "SE": 2, "BE": 1,
}

COUNTRY_NAMES: dict[str, str] = {
    "US": "United States", "GB": "United Kingdom", "DE": "Germany", "FR": "France",
    "CA": "Canada", "AU": "Australia", "NL": "Netherlands", "ES": "Spain", "IE": "Ireland",
    "IT": "Italy", "SE": "Sweden", "BE": "Belgium",
}

# Per country: street names, (city, region, postcode prefix) and a line format.
# In "post", d is a random digit and L a random letter after the prefix.
ADDRESS_BOOK: dict[str, dict[str, object]] = {
    "US": {
        "streets": ["Maple Avenue", "Oak Street", "Pine Street", "Cedar Lane", "Elm Street",
                    "Washington Avenue", "Lake Drive", "Hillcrest Road", "Sunset Boulevard",
                    "Park Place", "Highland Avenue", "Mill Road"],
        "cities": [("Portland", "OR", "972"), ("Austin", "TX", "787"), ("Denver", "CO", "802"),
                   ("Seattle", "WA", "981"), ("Boston", "MA", "021"), ("Chicago", "IL", "606"),
                   ("Brooklyn", "NY", "112"), ("San Diego", "CA", "921"),
                   ("Minneapolis", "MN", "554"), ("Atlanta", "GA", "303")],
        "format": "{num} {street}, {city}, {region} {post}, {country}",
        "post": "dd",
    },
    "GB": {
        "streets": ["High Street", "Station Road", "Church Lane", "Victoria Road", "Park Road",
                    "Queen's Road", "Green Lane", "Mill Lane", "King Street", "The Crescent"],
        "cities": [("London", "", "SW1A "), ("Manchester", "", "M1 "), ("Bristol", "", "BS1 "),
                   ("Leeds", "", "LS1 "), ("Edinburgh", "", "EH1 "), ("Brighton", "", "BN1 "),
                   ("Cardiff", "", "CF10 "), ("York", "", "YO1 ")],
        "format": "{num} {street}, {city} {post}, {country}",
        "post": "dLL",
    },
    "DE": {
        "streets": ["Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße",
                    "Goethestraße", "Lindenallee", "Bergstraße", "Kirchplatz", "Mozartstraße"],
        "cities": [("Berlin", "", "10"), ("Hamburg", "", "20"), ("München", "", "80"),
                   ("Köln", "", "50"), ("Frankfurt am Main", "", "60"), ("Leipzig", "", "04"),
                   ("Stuttgart", "", "70")],
        "format": "{street} {num}, {post} {city}, {country}",
        "post": "ddd",
    },
    "FR": {
        "streets": ["rue de la Paix", "avenue Victor Hugo", "rue Pasteur", "boulevard Voltaire",
                    "rue des Lilas", "place de la République", "rue du Moulin"],
        "cities": [("Paris", "", "750"), ("Lyon", "", "690"), ("Marseille", "", "130"),
                   ("Bordeaux", "", "330"), ("Lille", "", "590"), ("Nantes", "", "440")],
        "format": "{num} {street}, {post} {city}, {country}",
        "post": "dd",
    },
    "CA": {
        "streets": ["Maple Street", "King Street West", "Yonge Street", "Rue Sainte-Catherine",
                    "Granville Street", "Jasper Avenue", "Queen Street East"],
        "cities": [("Toronto", "ON", "M5V "), ("Vancouver", "BC", "V6B "),
                   ("Montréal", "QC", "H2X "), ("Calgary", "AB", "T2P "), ("Ottawa", "ON", "K1P ")],
        "format": "{num} {street}, {city}, {region} {post}, {country}",
        "post": "dLd",
    },
    "AU": {
        "streets": ["George Street", "Collins Street", "Queen Street", "Beach Road",
                    "Bourke Street", "Oxford Street", "Hay Street"],
        "cities": [("Sydney", "NSW", "20"), ("Melbourne", "VIC", "30"), ("Brisbane", "QLD", "40"),
                   ("Perth", "WA", "60"), ("Adelaide", "SA", "50")],
        "format": "{num} {street}, {city} {region} {post}, {country}",
        "post": "dd",
    },
    "NL": {
        "streets": ["Kerkstraat", "Dorpsstraat", "Prinsengracht", "Stationsweg", "Molenweg",
                    "Keizersgracht", "Schoolstraat"],
        "cities": [("Amsterdam", "", "10"), ("Rotterdam", "", "30"), ("Utrecht", "", "35"),
                   ("Den Haag", "", "25"), ("Eindhoven", "", "56"), ("Groningen", "", "97")],
        "format": "{street} {num}, {post} {city}, {country}",
        "post": "dd LL",
    },
    "ES": {
        "streets": ["Calle Mayor", "Calle de Alcalá", "Gran Vía", "Calle Real",
                    "Avenida de la Constitución", "Calle del Sol", "Paseo de Gracia"],
        "cities": [("Madrid", "", "280"), ("Barcelona", "", "080"), ("Valencia", "", "460"),
                   ("Sevilla", "", "410"), ("Bilbao", "", "480"), ("Málaga", "", "290")],
        "format": "{street} {num}, {post} {city}, {country}",
        "post": "dd",
    },
    "IE": {
        "streets": ["Main Street", "O'Connell Street", "Grafton Street", "Church Road"],
        "cities": [("Dublin", "", "D02 "), ("Cork", "", "T12 "), ("Galway", "", "H91 ")],
        "format": "{num} {street}, {city} {post}, {country}",
        "post": "Lddd",
    },
    "IT": {
        "streets": ["Via Roma", "Via Garibaldi", "Corso Italia", "Via Dante", "Via Mazzini"],
        "cities": [("Milano", "MI", "201"), ("Roma", "RM", "001"), ("Torino", "TO", "101"),
                   ("Bologna", "BO", "401")],
        "format": "{street} {num}, {post} {city} {region}, {country}",
        "post": "dd",
    },
    "SE": {
        "streets": ["Storgatan", "Drottninggatan", "Kungsgatan", "Sveavägen"],
        "cities": [("Stockholm", "", "111 "), ("Göteborg", "", "411 "), ("Malmö", "", "211 ")],
        "format": "{street} {num}, {post} {city}, {country}",
        "post": "dd",
    },
    "BE": {
        "streets": ["Rue Neuve", "Meir", "Avenue Louise", "Veldstraat"],
        "cities": [("Bruxelles", "", "10"), ("Antwerpen", "", "20"), ("Gent", "", "90")],
        "format": "{street} {num}, {post} {city}, {country}",
        "post": "dd",
    },
}
