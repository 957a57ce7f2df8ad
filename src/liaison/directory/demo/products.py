"""The demo products (two of ours, four competitors') and their labelled indications.

Fixed data, not drawn from the seed; written one by one, each audited.
"""

from __future__ import annotations

import datetime as dt

from liaison.core import audit
from liaison.directory.models import Indication, Product, TherapeuticArea

EU = ("DE", "FR", "ES", "IT", "AT", "SE", "PL")

#: (name, generic, company, ours, area, [(condition, countries, approved, label)])
PRODUCTS: tuple[tuple[str, str, str, bool, str, tuple[tuple[str, tuple[str, ...], str, str], ...]], ...] = (
    (
        "Onvexa", "velotinib", "Aurelia Therapeutics", True, "oncology",
        (
            ("EGFR-mutated metastatic non-small cell lung cancer, first line",
             ("US",), "2023-03-14", "USPI 03/2023"),
            ("EGFR-mutated metastatic non-small cell lung cancer, first line",
             (*EU, "GB", "CH"), "2024-01-22", "SmPC 01/2024"),
            ("EGFR-mutated metastatic non-small cell lung cancer, first line",
             ("JP",), "2024-09-02", "PMDA package insert 09/2024"),
            ("EGFR-mutated non-small cell lung cancer, adjuvant after resection",
             ("US",), "2025-02-10", "USPI 02/2025"),
        ),
    ),
    (
        "Cardivance", "sotrelamab", "Aurelia Therapeutics", True, "cardiology",
        (
            ("Heterozygous familial hypercholesterolaemia",
             ("US", "DE", "FR", "ES", "GB"), "2022-06-30", "Label 06/2022"),
            ("Secondary prevention after myocardial infarction",
             ("US",), "2024-05-17", "USPI 05/2024"),
        ),
    ),
    (
        "Tremiqa", "lenvarafenib", "Helix Biopharma", False, "oncology",
        (("BRAF V600E-mutant metastatic melanoma", ("US", "DE", "FR", "JP"), "2021-11-08", ""),),
    ),
    (
        "Neuralto", "zanemirsen", "Corvane Pharma", False, "neurology",
        (("Relapsing multiple sclerosis", ("US", "DE", "ES", "GB"), "2022-02-01", ""),),
    ),
    (
        "Immuvia", "ustarelimab", "Borealis Bio", False, "immunology",
        (
            ("Moderate-to-severe plaque psoriasis",
             ("US", "DE", "FR", "ES", "IT", "JP"), "2020-09-15", ""),
            ("Active psoriatic arthritis", ("US", "DE"), "2023-04-03", ""),
        ),
    ),
    (
        "Rhythmex", "dalcotrep", "Meridian Life Sciences", False, "cardiology",
        (("Stroke prevention in non-valvular atrial fibrillation",
          ("US", "DE", "GB", "JP"), "2019-07-22", ""),),
    ),
)  # fmt: skip


def build_products(areas: dict[str, TherapeuticArea]) -> list[Product]:
    products = []
    for name, generic, company, ours, area, indications in PRODUCTS:
        product = Product(
            name=name,
            generic_name=generic,
            company=company,
            is_own=ours,
            therapeutic_area=areas[area],
        )
        audit.create_record(actor=None, instance=product)
        products.append(product)
        for condition, countries, approved, label in indications:
            for country in countries:
                indication = Indication(
                    product=product,
                    country=country,
                    condition=condition,
                    therapeutic_area=areas[area],
                    approved_on=dt.date.fromisoformat(approved),
                    label_reference=label,
                )
                audit.create_record(actor=None, instance=indication)
    return products
