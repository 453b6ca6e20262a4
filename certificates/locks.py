"""Row locks of the certificates, each in one place. Imports take one transaction-level
advisory lock (one import at a time: rows are compared with the stored ones and then inserted,
and two imports of overlapping rows must not both pass the comparison); a claim locks its one
block. Neither takes the other's lock, so they never wait on each other in a cycle.

The GEC-CCER link (`services.ccer_link`) takes the import lock too when it links a plant, then
that plant's blocks in primary-key order, as the expiry task does; at an issuance it locks the
frozen blocks it cancels, in primary-key order, without the import lock. The registry calls
both after its own row locks, so the order stays: registry rows, import lock, blocks."""

from django.db import connection

from certificates.models import CertificateBlock
from core import rows

# pg_advisory_xact_lock's key for imports: "GEC" in ASCII.
IMPORT_LOCK_KEY = 0x474543


def lock_imports() -> None:
    """Held until the caller's transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def lock_block(pk: int) -> CertificateBlock:
    locked = rows.select(CertificateBlock, [pk], lock="update")
    if not locked:
        raise CertificateBlock.DoesNotExist(f"certificate block {pk} does not exist")
    return locked[0]
