#!/usr/bin/env python3
"""Generate kb/countries.csv from the Debian iso-codes ISO 3166-1 table plus the
hand-kept variants and demonyms below (run: python3 kb/tools/gen_countries.py).

Columns: id,names,demonyms — names and demonyms separated by '|'. The first name is
the display name."""
import csv, json, os, sys, unicodedata

SRC = "/usr/share/iso-codes/json/iso_3166-1.json"

def fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))

EXTRA = {
    "prk": ["DPRK", "D.P.R.K.", "Democratic People's Republic of Korea", "Democratic People’s Republic of Korea",
            "North Korea", "north Korea", "Korea", "our Republic", "the north of Korea",
            "Juche Korea", "Socialist Korea"],
    "kor": ["South Korea", "south Korea", "Republic of Korea", "ROK", "the south of Korea", "south side", "puppet Korea"],
    "rus": ["Russia", "Russian Federation"],
    "usa": ["United States", "United States of America", "U.S.", "US", "USA", "U.S.A.", "America"],
    "gbr": ["United Kingdom", "Britain", "Great Britain", "UK", "U.K.", "England"],
    "chn": ["China", "People's Republic of China", "PRC"],
    "vnm": ["Vietnam", "Viet Nam", "Socialist Republic of Vietnam"],
    "lao": ["Laos", "Lao PDR", "Lao People's Democratic Republic"],
    "syr": ["Syria", "Syrian Arab Republic"],
    "irn": ["Iran", "Islamic Republic of Iran"],
    "ven": ["Venezuela", "Bolivarian Republic of Venezuela"],
    "bol": ["Bolivia", "Plurinational State of Bolivia"],
    "tza": ["Tanzania", "United Republic of Tanzania"],
    "mda": ["Moldova"],
    "fsm": ["Micronesia"],
    "twn": ["Taiwan"],
    "cze": ["Czech Republic", "Czechia"],
    "tur": ["Turkey", "Türkiye", "Turkiye"],
    "cod": ["Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa"],
    "cog": ["Republic of the Congo", "Congo", "Congo-Brazzaville"],
    "civ": ["Cote d'Ivoire", "Côte d'Ivoire", "Ivory Coast"],
    "cpv": ["Cape Verde", "Cabo Verde"],
    "mkd": ["Macedonia", "North Macedonia"],
    "swz": ["Swaziland", "Eswatini"],
    "mmr": ["Myanmar", "Burma"],
    "khm": ["Cambodia", "Kampuchea"],
    "pse": ["Palestine", "State of Palestine"],
    "vat": ["Vatican", "Holy See"],
    "tls": ["East Timor", "Timor-Leste"],
    "brn": ["Brunei", "Brunei Darussalam"],
    "are": ["UAE", "United Arab Emirates"],
    "nld": ["Netherlands", "Holland"],
    "lby": ["Libya", "Libyan Arab Jamahiriya", "Great Socialist People's Libyan Arab Jamahiriya"],
    "gmb": ["Gambia", "The Gambia"],
    "bhs": ["Bahamas", "The Bahamas"],
    "kgz": ["Kyrgyzstan", "Kyrgyz Republic"],
    "vct": ["Saint Vincent and the Grenadines", "St. Vincent and the Grenadines"],
    "kna": ["Saint Kitts and Nevis", "St. Kitts and Nevis"],
    "lca": ["Saint Lucia", "St. Lucia"],
    "sun": ["Soviet Union", "USSR", "U.S.S.R.", "Union of Soviet Socialist Republics"],
    "ddr": ["German Democratic Republic", "GDR", "East Germany"],
    "yug": ["Yugoslavia", "Socialist Federal Republic of Yugoslavia"],
    "csk": ["Czechoslovakia"],
}

DEMONYMS = {
    "afg": "Afghan", "alb": "Albanian", "dza": "Algerian", "ago": "Angolan", "arg": "Argentine|Argentinian",
    "arm": "Armenian", "aus": "Australian", "aut": "Austrian", "aze": "Azerbaijani|Azerbaijanian",
    "bhr": "Bahraini", "bgd": "Bangladeshi", "blr": "Belarusian|Byelorussian", "bel": "Belgian",
    "ben": "Beninese", "btn": "Bhutanese", "bol": "Bolivian", "bih": "Bosnian", "bwa": "Botswanan",
    "bra": "Brazilian", "brn": "Bruneian", "bgr": "Bulgarian", "bfa": "Burkinabe", "bdi": "Burundian",
    "khm": "Cambodian", "cmr": "Cameroonian", "can": "Canadian", "cpv": "Cape Verdean",
    "caf": "Central African", "tcd": "Chadian", "chl": "Chilean", "chn": "Chinese", "col": "Colombian",
    "cog": "Congolese", "cri": "Costa Rican", "hrv": "Croatian", "cub": "Cuban", "cyp": "Cypriot",
    "cze": "Czech", "dnk": "Danish", "dji": "Djiboutian", "dom": "Dominican", "ecu": "Ecuadorian|Ecuadoran",
    "egy": "Egyptian", "slv": "Salvadoran", "gnq": "Equatorial Guinean", "eri": "Eritrean",
    "est": "Estonian", "eth": "Ethiopian", "fji": "Fijian", "fin": "Finnish", "fra": "French",
    "gab": "Gabonese", "gmb": "Gambian", "geo": "Georgian", "deu": "German", "gha": "Ghanaian",
    "grc": "Greek", "gtm": "Guatemalan", "gin": "Guinean", "gnb": "Bissau-Guinean", "guy": "Guyanese",
    "hti": "Haitian", "hnd": "Honduran", "hun": "Hungarian", "isl": "Icelandic", "ind": "Indian",
    "idn": "Indonesian", "irn": "Iranian", "irq": "Iraqi", "irl": "Irish", "isr": "Israeli",
    "ita": "Italian", "civ": "Ivorian", "jam": "Jamaican", "jpn": "Japanese", "jor": "Jordanian",
    "kaz": "Kazakh|Kazakhstani", "ken": "Kenyan", "kwt": "Kuwaiti", "kgz": "Kyrgyz", "lao": "Lao|Laotian",
    "lva": "Latvian", "lbn": "Lebanese", "lso": "Basotho", "lbr": "Liberian", "lby": "Libyan",
    "ltu": "Lithuanian", "lux": "Luxembourgish", "mdg": "Malagasy", "mwi": "Malawian",
    "mys": "Malaysian", "mdv": "Maldivian", "mli": "Malian", "mlt": "Maltese", "mrt": "Mauritanian",
    "mus": "Mauritian", "mex": "Mexican", "mda": "Moldovan", "mng": "Mongolian", "mne": "Montenegrin",
    "mar": "Moroccan", "moz": "Mozambican", "mmr": "Myanmar|Burmese", "nam": "Namibian",
    "npl": "Nepalese|Nepali", "nld": "Dutch", "nzl": "New Zealand", "nic": "Nicaraguan", "ner": "Nigerien",
    "nga": "Nigerian", "nor": "Norwegian", "omn": "Omani", "pak": "Pakistani", "pse": "Palestinian",
    "pan": "Panamanian", "png": "Papua New Guinean", "pry": "Paraguayan", "per": "Peruvian",
    "phl": "Philippine|Filipino", "pol": "Polish", "prt": "Portuguese", "qat": "Qatari",
    "rou": "Romanian", "rus": "Russian", "rwa": "Rwandan", "sau": "Saudi|Saudi Arabian",
    "sen": "Senegalese", "srb": "Serbian", "syc": "Seychellois", "sle": "Sierra Leonean",
    "sgp": "Singaporean", "svk": "Slovak", "svn": "Slovenian|Slovene", "som": "Somali",
    "zaf": "South African", "esp": "Spanish", "lka": "Sri Lankan", "sdn": "Sudanese",
    "sur": "Surinamese", "swe": "Swedish", "che": "Swiss", "syr": "Syrian", "twn": "Taiwanese",
    "tjk": "Tajik|Tajikistani", "tza": "Tanzanian", "tha": "Thai", "tgo": "Togolese", "tun": "Tunisian",
    "tur": "Turkish", "tkm": "Turkmen", "uga": "Ugandan", "ukr": "Ukrainian", "gbr": "British",
    "usa": "American", "ury": "Uruguayan", "uzb": "Uzbek", "ven": "Venezuelan", "vnm": "Vietnamese",
    "yem": "Yemeni", "zmb": "Zambian", "zwe": "Zimbabwean", "prk": "Korean|north Korean",
    "kor": "south Korean|South Korean", "sun": "Soviet", "ddr": "East German", "yug": "Yugoslav|Yugoslavian",
    "csk": "Czechoslovak", "cod": "Congolese", "dma": "Dominican", "grd": "Grenadian",
    "tto": "Trinidadian", "brb": "Barbadian", "blz": "Belizean", "com": "Comorian", "stp": "Santomean",
    "tls": "Timorese", "wsm": "Samoan", "ton": "Tongan", "vut": "Ni-Vanuatu", "kir": "I-Kiribati",
    "mkd": "Macedonian", "are": "Emirati", "cub_": "",
}
# ambiguous demonyms kept only for the first state listed ("Congolese" → cog, "Dominican" → dom)
HISTORICAL = {"sun": "Soviet Union", "ddr": "German Democratic Republic", "yug": "Yugoslavia",
              "csk": "Czechoslovakia"}

def main():
    rows = json.load(open(SRC))["3166-1"]
    out = []
    seen_dem = set()
    table = [(c["alpha_3"].lower(), c.get("common_name") or c["name"], c.get("official_name"), c["name"])
             for c in rows]
    table += [(k, v, None, v) for k, v in HISTORICAL.items()]
    for cid, common, official, name in table:
        names = []
        for n in [common] + EXTRA.get(cid, []) + [official, name]:
            if not n or "," in n:
                continue
            for v in {n, fold(n)}:
                if v not in names:
                    names.append(v)
        dem = []
        for d in (DEMONYMS.get(cid) or "").split("|"):
            if d and d not in seen_dem:
                seen_dem.add(d)
                dem.append(d)
        out.append((cid, "|".join(names), "|".join(dem)))
    path = os.path.join(os.path.dirname(__file__), "..", "countries.csv")
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "names", "demonyms"])
        for r in sorted(out):
            w.writerow(r)
    print(f"{len(out)} states written to {path}", file=sys.stderr)

main()
