"""The registry's shared kernel: the base model, range expressions for exclusion constraints,
the audit log and its transparency log."""

from django.conf import settings
from django.contrib.postgres.fields import BigIntegerRangeField, DateRangeField, RangeBoundary
from django.db import models
from django.utils.translation import gettext_lazy as _


class DateRange(models.Func):
    """`daterange(lower, upper, '[]')`: both ends included, as periods are written; with
    `bounds="[)"` the upper end is excluded (a data centre's readings, 1 January to 1 February
    for January)."""

    function = "DATERANGE"
    output_field = DateRangeField()

    def __init__(self, lower: str, upper: str, bounds: str = "[]") -> None:
        inclusive = RangeBoundary(
            inclusive_lower=bounds[0] == "[", inclusive_upper=bounds[1] == "]"
        )
        super().__init__(lower, upper, inclusive)


class BigIntegerRange(models.Func):
    """`int8range(first, last, '[]')`: a serial range, both ends included."""

    function = "INT8RANGE"
    output_field = BigIntegerRangeField()

    def __init__(self, lower: str, upper: str) -> None:
        super().__init__(lower, upper, RangeBoundary(inclusive_lower=True, inclusive_upper=True))


class TimeStampedModel(models.Model):
    """Base for registry records: when the row was created."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One state change, inserted in the transaction of the change it records.

    Entries are numbered by a sequence, so their ids follow insertion, not commit; the sealer
    (`core.transparency.seal`) gives each committed entry its `leaf_index` in the transparency
    log, once. What the log commits to is the entry's canonical bytes (`core.audit.
    canonical_bytes`), computed from these columns. On PostgreSQL a trigger refuses UPDATE
    (except setting `leaf_index` once, from empty), DELETE and TRUNCATE on this table.
    """

    recorded_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    leaf_index = models.BigIntegerField(
        null=True, blank=True, unique=True, help_text="The entry's index in the log, once sealed."
    )

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # The sealer's work list: the entries still without a leaf index, in id order.
            models.Index(
                fields=["id"],
                condition=models.Q(leaf_index__isnull=True),
                name="audit_unsealed_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(id__gte=1), name="audit_id_positive"),
            models.CheckConstraint(
                condition=models.Q(leaf_index__gte=0), name="audit_leaf_index_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.object_type}:{self.object_id}"


class LogNode(models.Model):
    """The hash of one complete, aligned perfect subtree of the transparency log: the 2**level
    leaves from index * 2**level (level 0: a leaf hash). Every proof is made of these
    (`core.merkle`). Appended by the sealer, never changed."""

    id = models.BigAutoField(primary_key=True)
    level = models.SmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        ordering = ["level", "index"]
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="log_node_position_unique"),
            models.CheckConstraint(
                condition=models.Q(level__gte=0, level__lte=62, index__gte=0),
                name="log_node_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"log node {self.level}/{self.index}"


class SignedTreeHead(models.Model):
    """A tree head the sealer signed: the log's size, its root hash and the time, in
    milliseconds since the epoch, signed with the log's Ed25519 key (the key itself is never
    stored in the database). Appended, never changed."""

    id = models.BigAutoField(primary_key=True)
    tree_size = models.BigIntegerField(unique=True)
    root_hash = models.BinaryField(max_length=32)
    timestamp = models.BigIntegerField(help_text="Milliseconds since 1970-01-01T00:00:00Z.")
    signature = models.BinaryField(max_length=64)

    class Meta:
        ordering = ["-tree_size"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tree_size__gte=1), name="tree_head_size_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"tree head at {self.tree_size}"


class AuditCheck(TimeStampedModel):
    """The outcome of one verification of the transparency log against the audit entries, kept
    for regulators: `first_broken` is the first leaf index found wrong, if any."""

    ok = models.BooleanField()
    entries = models.BigIntegerField()
    first_broken = models.BigIntegerField(null=True, blank=True)
    problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        state = "intact" if self.ok else f"broken at #{self.first_broken}"
        return f"audit check {self.created_at:%Y-%m-%d %H:%M}: {state}"


class IdempotencyRecord(TimeStampedModel):
    """The first answer to a mutating call with an `Idempotency-Key` (a ledger movement, a
    certificate claim), per organisation of the caller: a replay with the same body gets it
    again, and changes nothing. The key is reserved first, as a pending record without an
    answer, in the transaction that runs the call and fills the answer in, so a committed
    record always has one (dj-stripe style: unique key, reserved before the work)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who sent the request that was answered.",
    )
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty while the call that reserved the key runs."
    )
    response_body = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"], name="idempotency_key_per_organization"
            ),
            models.CheckConstraint(
                condition=models.Q(response_status__isnull=True, response_body__isnull=True)
                | models.Q(response_status__isnull=False, response_body__isnull=False),
                name="idempotency_answer_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Job(TimeStampedModel):
    """Work that runs as a task (a large import, an upload), polled at `/api/v1/jobs/{id}/`.

    `payload` holds the input the handler of `kind` works on (`core.jobs`); `rows_done` counts
    the rows checked so far out of `rows_total` and is written while the job runs, from a
    connection of its own so that readers see it before the work commits; `errors` names what
    refused a failed job (`[{"row", "column", "message"}]` for bad rows, `[{"message"}]`
    otherwise) and `result` is what a succeeded job answers (an import's `{imported, blocks}`).
    """

    State = JobState

    # A job left `running` by a worker that died is run again from the start: its work was
    # all or none, rolled back with the dead worker's connection (`core.jobs.run_job`).
    TRANSITIONS = {
        JobState.QUEUED: {JobState.RUNNING},
        JobState.RUNNING: {JobState.RUNNING, JobState.SUCCEEDED, JobState.FAILED},
    }

    kind = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=JobState, default=JobState.QUEUED)
    rows_done = models.IntegerField(default=0)
    rows_total = models.IntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    result = models.JSONField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation of the user who started the job, when it was started.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=JobState.values), name="job_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(rows_done__gte=0), name="job_rows_done_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("rows_total")),
                name="job_rows_done_within_total",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=JobState.SUCCEEDED)
                | models.Q(rows_done=models.F("rows_total")),
                name="job_succeeded_every_row_done",
            ),
            # What a finished job answers: a result once it succeeded, named errors if it failed.
            models.CheckConstraint(
                condition=models.Q(state=JobState.SUCCEEDED, result__isnull=False)
                | (~models.Q(state=JobState.SUCCEEDED) & models.Q(result__isnull=True)),
                name="job_result_when_succeeded",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=JobState.FAILED) | ~models.Q(errors=[]),
                name="job_failed_names_errors",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} job #{self.pk}: {self.state}"
