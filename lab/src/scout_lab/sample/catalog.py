"""FMCG products sold in Philippine sari-sari stores, convenience stores and groceries."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Product(NamedTuple):
    """One SKU: shelf price in PHP, pack size class and how many units a buyer takes."""

    product_id: str
    name: str
    brand: str | None
    category: str | None
    price: float
    pack: str  # "s" sachet/tingi, "r" regular, "b" big pack
    popularity: float
    extra_qty: float  # mean of (quantity - 1)
    max_qty: int


_ROWS = """
BEV|Coke Mismo 300ml|Coca-Cola|Beverages|20|s|9|0.3|6
BEV|Coca-Cola 1.5L|Coca-Cola|Beverages|80|b|5|0.1|4
BEV|Royal Tru-Orange 1.5L|Royal|Beverages|75|b|2|0.1|3
BEV|Sprite 1.5L|Sprite|Beverages|78|b|2|0.1|3
BEV|Pepsi 500ml|Pepsi|Beverages|35|r|3|0.2|4
BEV|Mountain Dew 290ml|Mountain Dew|Beverages|18|s|3|0.3|4
BEV|C2 Green Tea Apple 230ml|C2|Beverages|20|s|5|0.3|4
BEV|Zest-O Orange 200ml|Zest-O|Beverages|10|s|4|0.6|6
BEV|Nescafe Classic 3in1 Original 28g|Nescafe|Beverages|9|s|10|1.2|10
BEV|Kopiko Brown Coffee 25g|Kopiko|Beverages|8|s|8|1.0|10
BEV|Great Taste White 30g|Great Taste|Beverages|9|s|6|1.0|10
BEV|Milo Activ-Go 22g|Milo|Beverages|10|s|7|0.8|8
BEV|Cobra Energy Drink 350ml|Cobra|Beverages|25|r|4|0.2|4
BEV|Absolute Distilled Drinking Water 500ml|Absolute|Beverages|15|r|5|0.4|6
BEV|Gatorade Blue Bolt 500ml|Gatorade|Beverages|42|r|2|0.1|3
ALC|Red Horse Beer 500ml|Red Horse|Alcoholic Beverages|65|r|5|1.0|12
ALC|San Miguel Pale Pilsen 320ml|San Miguel|Alcoholic Beverages|55|r|4|0.9|12
ALC|Ginebra San Miguel Gin 350ml|Ginebra San Miguel|Alcoholic Beverages|75|r|2|0.1|3
SNK|Piattos Cheese 85g|Jack 'n Jill|Snacks|38|r|4|0.2|4
SNK|Nova Country Cheddar 78g|Jack 'n Jill|Snacks|35|r|3|0.2|4
SNK|Chippy Barbecue 110g|Jack 'n Jill|Snacks|35|r|3|0.2|4
SNK|Oishi Prawn Crackers 60g|Oishi|Snacks|18|s|5|0.4|5
SNK|Boy Bawang Cornick Garlic 100g|Boy Bawang|Snacks|25|r|3|0.2|4
SNK|Skyflakes Crackers 25g|Skyflakes|Snacks|8|s|8|1.0|10
SNK|Fita Crackers 30g|Fita|Snacks|9|s|4|0.8|10
SNK|Rebisco Crackers 33g|Rebisco|Snacks|9|s|5|0.8|10
SNK|Cream-O Vanilla 33g|Cream-O|Snacks|10|s|4|0.6|8
SNK|Choc Nut 24s|Choc Nut|Snacks|45|r|1|0.1|3
NDL|Lucky Me! Pancit Canton Original 60g|Lucky Me!|Instant Noodles|16|s|10|1.0|10
NDL|Lucky Me! Beef Mami 55g|Lucky Me!|Instant Noodles|12|s|7|1.0|10
NDL|Payless Xtra Big Pancit Canton 80g|Payless|Instant Noodles|14|s|4|0.8|10
NDL|Nissin Cup Noodles Seafood 40g|Nissin|Instant Noodles|28|r|3|0.3|4
CAN|Century Tuna Flakes in Oil 155g|Century|Canned Goods|38|r|5|0.5|6
CAN|Argentina Corned Beef 150g|Argentina|Canned Goods|42|r|5|0.4|6
CAN|555 Sardines in Tomato Sauce 155g|555|Canned Goods|22|r|6|0.8|8
CAN|Ligo Sardines Green 155g|Ligo|Canned Goods|25|r|4|0.8|8
CAN|Mega Sardines Red 155g|Mega|Canned Goods|23|r|4|0.8|8
CAN|CDO Karne Norte 150g|CDO|Canned Goods|30|r|3|0.4|6
CAN|Purefoods Corned Beef 210g|Purefoods|Canned Goods|65|b|2|0.3|4
CND|Datu Puti Vinegar 385ml|Datu Puti|Condiments|20|r|4|0.1|3
CND|Silver Swan Soy Sauce 385ml|Silver Swan|Condiments|22|r|4|0.1|3
CND|UFC Banana Catsup 320g|UFC|Condiments|35|r|2|0.1|3
CND|Mang Tomas All-Around Sarsa 330g|Mang Tomas|Condiments|45|r|1|0.1|2
CND|Knorr Chicken Cubes 10g|Knorr|Condiments|8|s|5|0.8|6
CND|Ajinomoto Umami Seasoning 11g|Ajinomoto|Condiments|5|s|5|0.6|6
CND|Magic Sarap 8g|Magic Sarap|Condiments|5|s|6|0.8|6
DRY|Alaska Evaporada 370ml|Alaska|Dairy|38|r|4|0.4|6
DRY|Bear Brand Powdered Milk 33g|Bear Brand|Dairy|14|s|6|0.8|8
DRY|Nestle Fresh Milk 1L|Nestle|Dairy|105|b|1|0.2|3
BKY|Gardenia Classic White Bread 600g|Gardenia|Bakery|78|b|3|0.1|2
BKY|Pandesal 10pcs||Bakery|30|r|6|0.3|4
GRN|Well-milled Rice 1kg||Rice & Grains|52|b|5|1.5|10
GRN|White Sugar 250g||Rice & Grains|22|s|3|0.3|4
FRS|Fresh Egg Medium||Fresh|9|s|5|2.5|12
FRS|Tube Ice 1kg|||15|r|3|0.3|4
PRC|Safeguard Pure White Soap 60g|Safeguard|Personal Care|28|r|4|0.4|4
PRC|Palmolive Shampoo Sachet 15ml|Palmolive|Personal Care|7|s|7|1.2|12
PRC|Sunsilk Smooth & Manageable 13ml|Sunsilk|Personal Care|7|s|5|1.2|12
PRC|Head & Shoulders Cool Menthol 12ml|Head & Shoulders|Personal Care|9|s|4|1.0|12
PRC|Colgate Great Regular Flavor 50ml|Colgate|Personal Care|45|r|3|0.1|2
PRC|Hapee Toothpaste 25ml|Hapee|Personal Care|15|s|3|0.2|3
PRC|Rexona Roll-on Sachet 6ml|Rexona|Personal Care|12|s|2|0.4|4
PRC|Modess Cottony Soft 8s|Modess|Personal Care|38|r|2|0.1|2
HHD|Tide Bar Original 130g|Tide|Household|22|r|4|0.4|4
HHD|Surf Cherry Blossom Powder 70g|Surf|Household|10|s|6|1.0|8
HHD|Ariel Sunrise Fresh Powder 66g|Ariel|Household|12|s|4|1.0|8
HHD|Downy Garden Bloom 24ml|Downy|Household|8|s|5|1.0|8
HHD|Joy Dishwashing Liquid Lemon 20ml|Joy|Household|9|s|4|0.6|6
HHD|Zonrox Bleach Original 250ml|Zonrox|Household|20|r|2|0.1|2
HHD|Baygon Multi-Insect Killer 300ml|Baygon|Household|185|b|1|0.0|1
TOB|Marlboro Red (per stick)|Marlboro|Tobacco|9|s|6|1.8|10
TOB|Marlboro Red 20s|Marlboro|Tobacco|170|b|2|0.1|2
TOB|Fortune Menthol (per stick)|Fortune|Tobacco|6|s|5|1.8|10
TOB|Mighty Red (per stick)|Mighty|Tobacco|5|s|4|1.8|10
TOB|Winston Red 20s|Winston|Tobacco|150|b|1|0.1|2
"""


def _parse(rows: str) -> tuple[Product, ...]:
    products, counters = [], dict[str, int]()
    for line in filter(None, (r.strip() for r in rows.splitlines())):
        code, name, brand, category, price, pack, pop, extra, max_qty = line.split("|")
        counters[code] = counters.get(code, 0) + 1
        products.append(
            Product(
                product_id=f"SKU-{code}-{counters[code]:04d}",
                name=name,
                brand=brand or None,
                category=category or None,
                price=float(price),
                pack=pack,
                popularity=float(pop),
                extra_qty=float(extra),
                max_qty=int(max_qty),
            )
        )
    return tuple(products)


PRODUCTS: tuple[Product, ...] = _parse(_ROWS)
STORE_TYPES = ("sari_sari", "convenience", "grocery")
# How strongly each store type sells each pack class (sachet, regular, big pack).
PACK_AFFINITY = {
    "sari_sari": {"s": 3.0, "r": 1.0, "b": 0.15},
    "convenience": {"s": 1.0, "r": 1.6, "b": 0.4},
    "grocery": {"s": 0.5, "r": 1.0, "b": 2.2},
}
# Shelf price markup over the catalogue price, in percent.
PRICE_MARKUP = {"sari_sari": 5, "convenience": 10, "grocery": 0}


def product_weights(store_type: str) -> np.ndarray:
    """Probability of each product being picked on one basket line at a store type."""
    affinity = PACK_AFFINITY[store_type]
    w = np.array([p.popularity * affinity[p.pack] for p in PRODUCTS])
    return w / w.sum()


def unit_prices_centavos(store_type: str) -> np.ndarray:
    """Shelf price per product at a store type, in centavos, rounded to 25 centavos."""
    base = np.array([p.price for p in PRODUCTS]) * (100 + PRICE_MARKUP[store_type])
    return (np.round(base / 25.0) * 25).astype(np.int64)
