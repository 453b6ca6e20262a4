import csv
import re

from core.provinces import Province
from methodologies.reference import DATA_DIR


def test_the_province_list_matches_the_grid_region_data():
    with open(DATA_DIR / "china-grid-regions.csv", newline="", encoding="utf-8") as file:
        # Inner Mongolia is one province split between two regional grids in the data.
        in_data = {
            re.sub(r" \((west|east)\)$", "", row["province"]) for row in csv.DictReader(file)
        }

    assert in_data == set(Province.values)
