"""Splitting a certificate block: part of its serials becomes a block of its own in a new state
(claimed, cancelled), the rest stays in the block's own row. Caller holds the block lock and has
checked the quantity."""

from certificates.models import CertificateBlock
from core import rows


def split_off(
    block: CertificateBlock, quantity: int, state: str, *, upper: bool
) -> CertificateBlock:
    """The upper (`upper`) or lower `quantity` certificates of `block`, now in `state`: the
    whole block if all of it goes, else a new block beside the rest, which keeps the block's
    row and state."""
    if quantity == block.quantity:
        block.state = state
        rows.update(block, "state")
        return block
    if upper:
        first, last = block.serial_last - quantity + 1, block.serial_last
        kept = ("serial_last", first - 1)
    else:
        first, last = block.serial_first, block.serial_first + quantity - 1
        kept = ("serial_first", last + 1)
    part = CertificateBlock(
        source_id=block.source_id,
        serial_first=first,
        serial_last=last,
        quantity=quantity,
        generator_code=block.generator_code,
        generator_name=block.generator_name,
        generation_type=block.generation_type,
        province=block.province,
        generation_month=block.generation_month,
        holder_id=block.holder_id,
        tradable=block.tradable,
        state=state,
        expires_on=block.expires_on,
    )
    # Shrink first: the exclusion constraint would refuse an overlap.
    setattr(block, kept[0], kept[1])
    block.quantity -= quantity
    rows.update(block, kept[0], "quantity")
    return rows.insert(part)
