"""Philippine places for stores: region, province, city centre (lat, long) and barangays."""

from __future__ import annotations

from typing import NamedTuple


class City(NamedTuple):
    """A city or municipality with its centre and a few of its real barangays."""

    region: str
    province: str
    name: str
    latitude: float
    longitude: float
    barangays: tuple[str, ...]
    weight: float


def _c(region: str, province: str, name: str, lat: float, lon: float, brgys: str, w: float) -> City:
    return City(region, province, name, lat, lon, tuple(b.strip() for b in brgys.split(";")), w)


NCR = "National Capital Region"
CAR = "Cordillera Administrative Region"
ILOCOS = "Ilocos Region"
C_LUZON = "Central Luzon"
CALABARZON = "CALABARZON"
BICOL = "Bicol Region"
W_VISAYAS = "Western Visayas"
C_VISAYAS = "Central Visayas"
E_VISAYAS = "Eastern Visayas"
ZAMBOANGA = "Zamboanga Peninsula"
N_MINDANAO = "Northern Mindanao"
DAVAO = "Davao Region"
SOCCSKSARGEN = "SOCCSKSARGEN"

# Weights roughly follow urban population, so Metro Manila holds most stores.
CITIES: tuple[City, ...] = (
    _c(NCR, "Metro Manila", "Manila", 14.5995, 120.9842,
       "Tondo; Sampaloc; Malate; Ermita; Quiapo; Binondo; Paco; Santa Ana", 9),
    _c(NCR, "Metro Manila", "Quezon City", 14.6760, 121.0437,
       "Batasan Hills; Commonwealth; Holy Spirit; Payatas; Bagong Silangan; Socorro; "
       "Pinyahan; Tandang Sora", 14),
    _c(NCR, "Metro Manila", "Makati", 14.5547, 121.0244,
       "Poblacion; Bel-Air; San Lorenzo; Guadalupe Nuevo; Pio del Pilar; Bangkal", 4),
    _c(NCR, "Metro Manila", "Pasig", 14.5764, 121.0851,
       "Kapitolyo; San Antonio; Ugong; Rosario; Manggahan; Santolan", 5),
    _c(NCR, "Metro Manila", "Taguig", 14.5176, 121.0509,
       "Fort Bonifacio; Western Bicutan; Ususan; Pinagsama; Lower Bicutan", 5),
    _c(NCR, "Metro Manila", "Mandaluyong", 14.5794, 121.0359,
       "Addition Hills; Plainview; Wack-Wack Greenhills; Highway Hills", 3),
    _c(CAR, "Benguet", "Baguio", 16.4023, 120.5960,
       "Irisan; Pacdal; Bakakeng Central; Aurora Hill; Loakan Proper", 2),
    _c(ILOCOS, "Pangasinan", "Dagupan", 16.0433, 120.3333,
       "Bonuan Gueset; Pantal; Lucao; Tapuac", 2),
    _c(C_LUZON, "Pampanga", "Angeles", 15.1450, 120.5887,
       "Balibago; Malabanias; Pampang; Cutcut", 3),
    _c(C_LUZON, "Pampanga", "San Fernando", 15.0286, 120.6898,
       "Dolores; San Agustin; Del Pilar; Sindalan", 2),
    _c(C_LUZON, "Bulacan", "Malolos", 14.8527, 120.8160,
       "Longos; Tikay; Santo Rosario; Mojon", 2),
    _c(C_LUZON, "Bulacan", "Meycauayan", 14.7346, 120.9573,
       "Malhacan; Saluysoy; Calvario; Pajo", 2),
    _c(C_LUZON, "Tarlac", "Tarlac City", 15.4755, 120.5963,
       "San Roque; San Nicolas; Maliwalo; San Vicente", 2),
    _c(CALABARZON, "Cavite", "Bacoor", 14.4590, 120.9580,
       "Molino III; Niog; Talaba; Zapote", 4),
    _c(CALABARZON, "Cavite", "Dasmariñas", 14.3294, 120.9367,
       "Salitran; Paliparan; Burol; Sampaloc", 4),
    _c(CALABARZON, "Laguna", "Santa Rosa", 14.3122, 121.1114,
       "Balibago; Tagapo; Pulong Santa Cruz; Dila", 3),
    _c(CALABARZON, "Laguna", "Calamba", 14.2117, 121.1653,
       "Real; Parian; Canlubang; Halang", 3),
    _c(CALABARZON, "Batangas", "Batangas City", 13.7565, 121.0583,
       "Kumintang Ibaba; Pallocan; Alangilan; Balagtas", 2),
    _c(CALABARZON, "Batangas", "Lipa", 13.9411, 121.1631,
       "Marawoy; Sabang; Tambo; Banaybanay", 2),
    _c(CALABARZON, "Rizal", "Antipolo", 14.5860, 121.1761,
       "San Roque; Dela Paz; Mayamot; Cupang", 4),
    _c(CALABARZON, "Rizal", "Cainta", 14.5786, 121.1222,
       "San Isidro; San Juan; Santo Domingo", 3),
    _c(BICOL, "Albay", "Legazpi", 13.1391, 123.7438, "Bitano; Rawis; Sagpon; Cabangan", 2),
    _c(BICOL, "Camarines Sur", "Naga", 13.6218, 123.1948,
       "Concepcion Pequeña; Triangulo; Peñafrancia; Tabuco", 2),
    _c(W_VISAYAS, "Iloilo", "Iloilo City", 10.7202, 122.5621,
       "Tabuc Suba; Bolilao; Calumpang; Tagbak", 3),
    _c(W_VISAYAS, "Negros Occidental", "Bacolod", 10.6765, 122.9509,
       "Mandalagan; Villamonte; Taculing; Tangub; Alijis", 3),
    _c(C_VISAYAS, "Cebu", "Cebu City", 10.3157, 123.8854,
       "Lahug; Guadalupe; Mabolo; Talamban; Banilad; Capitol Site", 6),
    _c(C_VISAYAS, "Cebu", "Mandaue", 10.3236, 123.9223, "Subangdaku; Bakilid; Tipolo", 3),
    _c(C_VISAYAS, "Cebu", "Lapu-Lapu", 10.3103, 123.9494, "Pusok; Basak; Gun-ob", 2),
    _c(C_VISAYAS, "Bohol", "Tagbilaran", 9.6496, 123.8547, "Cogon; Dao; Tiptip", 1),
    _c(E_VISAYAS, "Leyte", "Tacloban", 11.2440, 125.0048,
       "San Jose; Marasbaras; Abucay; Sagkahan", 2),
    _c(ZAMBOANGA, "Zamboanga del Sur", "Zamboanga City", 6.9214, 122.0790,
       "Tetuan; Tumaga; Putik; Guiwan; Pasonanca", 3),
    _c(N_MINDANAO, "Misamis Oriental", "Cagayan de Oro", 8.4542, 124.6319,
       "Carmen; Lapasan; Bulua; Kauswagan; Nazareth; Gusa", 4),
    _c(DAVAO, "Davao del Sur", "Davao City", 7.1907, 125.4553,
       "Buhangin; Talomo; Matina Aplaya; Bajada; Agdao; Toril", 7),
    _c(DAVAO, "Davao del Norte", "Tagum", 7.4478, 125.8078,
       "Apokon; Visayan Village; Magugpo Poblacion; Mankilam", 2),
    _c(SOCCSKSARGEN, "South Cotabato", "General Santos", 6.1164, 125.1716,
       "Lagao; Calumpang; Dadiangas East; Fatima; San Isidro", 3),
)  # fmt: skip

# Store owners' names for "Aling Nena's"-style sari-sari names and family groceries.
GIVEN_NAMES = (
    "Nena", "Rosa", "Lorna", "Tess", "Marites", "Cora", "Baby", "Linda", "Josie", "Fe",
    "Jose", "Ben", "Rudy", "Boy", "Ramon", "Danilo", "Ernesto", "Nonoy", "Toto", "Caloy",
)  # fmt: skip
SURNAMES = (
    "Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Torres", "Dela Cruz",
    "Villanueva", "Ramos", "Aquino", "Castillo", "Flores", "Navarro", "Gonzales", "Lim",
    "Tan", "Co", "Ocampo", "Pascual",
)  # fmt: skip
