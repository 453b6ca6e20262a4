"""The methodology library the registry ships, as data, and its loader.

Each file in `library/` is one methodology version, named by its identifier
(`CCER-01-002-V01.json`), and holds exactly the keyword arguments of
`services.create_methodology`. Numbers are written as strings and read as `Decimal`, so no
bound or default ever passes through a float.
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from core.errors import InvalidInput
from methodologies import services
from methodologies.models import Equation, Methodology, Parameter
from methodologies.reference import load_reference_data

LIBRARY_DIR = Path(__file__).resolve().parent / "library"

_DECIMAL_FIELDS = ("default", "minimum", "maximum")
_MODEL_KEYS = frozenset({"code", "version", "title", "sector", "parameters", "equations", "result"})
_METHODOLOGY_FIELDS = (
    "title",
    "sector",
    "kind",
    "approved",
    "additionality_exempt",
    "crediting_years_min",
    "crediting_years_max",
    "applicability",
    "source_document",
    "result_symbol",
    "certificate_electricity",
    "data_centre_readings",
)
_PARAMETER_FIELDS = (
    "symbol",
    "name",
    "unit",
    "kind",
    "series",
    "default",
    "minimum",
    "maximum",
    "description",
    "source",
)
_EQUATION_FIELDS = ("symbol", "expression", "unit", "description")


class LibraryError(Exception):
    """A shipped file cannot be loaded: it is malformed, its model is refused, or it differs
    from the version of the same identifier already stored."""


@dataclass(frozen=True)
class ShippedVersion:
    """One file of the library: where it is and the arguments of `create_methodology`."""

    path: Path
    data: dict[str, Any]

    @property
    def code(self) -> str:
        return services.normalize_code(self.data["code"], self.data["version"])

    @property
    def version(self) -> str:
        return self.data["version"].strip()

    @property
    def identifier(self) -> str:
        return f"{self.code}-{self.version}"


def shipped_versions() -> list[ShippedVersion]:
    """Every shipped version, in (code, version) order, so that when a code ships more than
    one version the latest is published last and supersedes the others."""
    versions = [_read(path) for path in sorted(LIBRARY_DIR.glob("*.json"))]
    return sorted(versions, key=lambda shipped: (shipped.code, shipped.version))


@transaction.atomic
def load_library() -> list[Methodology]:
    """Create and publish each shipped version not stored yet; returns those added, in order.

    Idempotent: a version already stored (by code and version) is left as it is, provided it
    matches its file; one that differs raises `LibraryError`, since published versions never
    change and a changed method must ship as a new version. All or nothing: one bad file adds
    nothing. Reference data is loaded first, as models that use `factor()` or `gwp()` are
    checked against it.
    """
    load_reference_data()
    added = []
    for shipped in shipped_versions():
        stored = Methodology.objects.filter(code=shipped.code, version=shipped.version).first()
        if stored is not None:
            differences = _differences(stored, shipped.data)
            if differences:
                raise LibraryError(
                    f"{shipped.path.name} differs from the stored {stored.identifier} in "
                    f"{', '.join(differences)}; published versions never change: "
                    "ship the change as a new version."
                )
            continue
        try:
            methodology = services.create_methodology(actor=None, **shipped.data)
        except InvalidInput as error:
            raise LibraryError(f"{shipped.path.name}: {error}") from error
        added.append(services.publish_methodology(actor=None, methodology=methodology))
    return added


def _read(path: Path) -> ShippedVersion:
    try:
        # parse_float: a number written without quotes is still read exactly.
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        missing = _MODEL_KEYS - data.keys()
        if missing:
            raise LibraryError(f"{path.name}: missing {', '.join(sorted(missing))}")
        for parameter in data["parameters"]:
            for field in _DECIMAL_FIELDS:
                if parameter.get(field) is not None:
                    parameter[field] = Decimal(parameter[field])
        shipped = ShippedVersion(path, data)
    except (ValueError, TypeError, AttributeError, ArithmeticError) as error:
        raise LibraryError(f"{path.name}: {error}") from error
    # One file per version, named by its identifier, so the directory listing is the library.
    if path.name != f"{shipped.identifier}.json":
        raise LibraryError(f"{path.name} holds {shipped.identifier}; name it after it.")
    return shipped


def _differences(stored: Methodology, data: dict[str, Any]) -> list[str]:
    """The fields in which `stored` differs from the shipped `data`.

    The shipped side is built as unsaved model instances, so the models' own defaults fill
    what a file leaves out, exactly as `create_methodology` would have stored it.
    """
    metadata = {key: value for key, value in data.items() if key not in _MODEL_KEYS}
    shipped = Methodology(
        title=data["title"], sector=data["sector"], result_symbol=data["result"], **metadata
    )
    differences = [
        field for field in _METHODOLOGY_FIELDS if getattr(shipped, field) != getattr(stored, field)
    ]
    # A version shipped unapproved that the authority has approved since (`approve_methodology`)
    # is the same version: approval is the one change a published version takes.
    if "approved" in differences and stored.approved and not shipped.approved:
        differences.remove("approved")
    # Decimals compare by value: the stored 0.750000000000000 equals the shipped 0.75.
    shipped_parameters = [
        _row(Parameter(**fields), _PARAMETER_FIELDS) for fields in data["parameters"]
    ]
    stored_parameters = [_row(row, _PARAMETER_FIELDS) for row in stored.parameters.all()]
    if shipped_parameters != stored_parameters:
        differences.append("parameters")
    shipped_equations = [_row(Equation(**fields), _EQUATION_FIELDS) for fields in data["equations"]]
    stored_equations = [_row(row, _EQUATION_FIELDS) for row in stored.equations.all()]
    if shipped_equations != stored_equations:
        differences.append("equations")
    return differences


def _row(instance: Parameter | Equation, fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(instance, field) for field in fields)
