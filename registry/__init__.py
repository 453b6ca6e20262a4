"""The CCER registry, one package per context, each a Django app with the same inner names
(models, services, selectors, api): `calendar` (working days), `projects` (projects and their
monitoring reports), `ledger` (issuance, blocks, movements), `reporting` (totals). A package
uses only the packages before it in that order."""
