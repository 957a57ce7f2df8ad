"""What users do to the directory: the operations that write.

By subject:

* :mod:`.records`: create, change and delete HCPs, organizations,
  affiliations, products, indications and therapeutic areas, one typed
  function per resource and verb (audited, policy-checked);
* :mod:`.nppes`: apply providers found in the NPI Registry (matched on NPI).

The record operations are re-exported here, so callers write
``services.create_hcp``; the NPI Registry's are imported from :mod:`.nppes`.
"""

from liaison.directory.services.records import (
    AffiliationData,
    Before,
    Changes,
    HCPData,
    IndicationData,
    OrganizationData,
    ProductData,
    TherapeuticAreaData,
    create_affiliation,
    create_hcp,
    create_indication,
    create_organization,
    create_product,
    create_therapeutic_area,
    delete_affiliation,
    delete_hcp,
    delete_indication,
    delete_organization,
    delete_product,
    delete_therapeutic_area,
    get_or_create_specialty,
    update_affiliation,
    update_hcp,
    update_indication,
    update_organization,
    update_product,
    update_therapeutic_area,
)

__all__ = [
    "AffiliationData",
    "Before",
    "Changes",
    "HCPData",
    "IndicationData",
    "OrganizationData",
    "ProductData",
    "TherapeuticAreaData",
    "create_affiliation",
    "create_hcp",
    "create_indication",
    "create_organization",
    "create_product",
    "create_therapeutic_area",
    "delete_affiliation",
    "delete_hcp",
    "delete_indication",
    "delete_organization",
    "delete_product",
    "delete_therapeutic_area",
    "get_or_create_specialty",
    "update_affiliation",
    "update_hcp",
    "update_indication",
    "update_organization",
    "update_product",
    "update_therapeutic_area",
]
