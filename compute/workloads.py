"""AI workloads: training and inference runs, their energy and emissions, and a "green
algorithm" rating of 1 to 5 within their task (imported into `compute.models`).

A run's task comes from a controlled vocabulary, the ten tasks of the AI Energy Score (Hugging
Face, Salesforce, Cohere, Carnegie Mellon, 2025), each as a training or an inference run. Its
energy is the accelerators' (average power x count x hours, or metered) times a PUE, the host
data centre's of a year or one given; its emissions that energy times kgCO2e per kWh, the host's
(location-based and market-based) or a grid factor given. With a performance metric (tokens,
queries, images...) it has an energy per unit of work and a rating: five equal bands between the
lowest and highest energy per unit of the registered runs of its task and metric, 5 for the most
efficient band, as the AI Energy Score gives 5 stars to the most efficient models. The rating is
a stored answer, dated: recalculating a run computes its numbers and its rating again.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.models import TimeStampedModel


class WorkloadTask(models.TextChoices):
    """The AI Energy Score's ten tasks (its methodology, "Task Definition"), each as a training
    or an inference run. Runs are rated only against runs of the same value."""

    TEXT_GENERATION_TRAINING = "text_generation_training", _("Text generation, training")
    TEXT_GENERATION_INFERENCE = "text_generation_inference", _("Text generation, inference")
    SUMMARIZATION_TRAINING = "summarization_training", _("Summarization, training")
    SUMMARIZATION_INFERENCE = "summarization_inference", _("Summarization, inference")
    EXTRACTIVE_QUESTION_ANSWERING_TRAINING = (
        "extractive_question_answering_training",
        _("Extractive question answering, training"),
    )
    EXTRACTIVE_QUESTION_ANSWERING_INFERENCE = (
        "extractive_question_answering_inference",
        _("Extractive question answering, inference"),
    )
    TEXT_CLASSIFICATION_TRAINING = (
        "text_classification_training",
        _("Text classification, training"),
    )
    TEXT_CLASSIFICATION_INFERENCE = (
        "text_classification_inference",
        _("Text classification, inference"),
    )
    SENTENCE_SIMILARITY_TRAINING = (
        "sentence_similarity_training",
        _("Sentence similarity, training"),
    )
    SENTENCE_SIMILARITY_INFERENCE = (
        "sentence_similarity_inference",
        _("Sentence similarity, inference"),
    )
    IMAGE_CLASSIFICATION_TRAINING = (
        "image_classification_training",
        _("Image classification, training"),
    )
    IMAGE_CLASSIFICATION_INFERENCE = (
        "image_classification_inference",
        _("Image classification, inference"),
    )
    OBJECT_DETECTION_TRAINING = "object_detection_training", _("Object detection, training")
    OBJECT_DETECTION_INFERENCE = "object_detection_inference", _("Object detection, inference")
    AUTOMATIC_SPEECH_RECOGNITION_TRAINING = (
        "automatic_speech_recognition_training",
        _("Automatic speech recognition, training"),
    )
    AUTOMATIC_SPEECH_RECOGNITION_INFERENCE = (
        "automatic_speech_recognition_inference",
        _("Automatic speech recognition, inference"),
    )
    IMAGE_GENERATION_TRAINING = "image_generation_training", _("Image generation, training")
    IMAGE_GENERATION_INFERENCE = "image_generation_inference", _("Image generation, inference")
    IMAGE_CAPTIONING_TRAINING = "image_captioning_training", _("Image captioning, training")
    IMAGE_CAPTIONING_INFERENCE = "image_captioning_inference", _("Image captioning, inference")


# The columns a run derives from its inputs and its host's figures, computed again by a
# recalculation.
WORKLOAD_FIGURE_FIELDS = (
    "pue",
    "it_energy_kwh",
    "energy_kwh",
    "emission_factor",
    "emissions_kgco2e",
    "market_based_emission_factor",
    "market_based_emissions_kgco2e",
    "location_series",
    "location_region",
    "location_factor_year",
    "location_factor",
    "location_provisional",
    "market_series",
    "market_region",
    "market_factor_year",
    "market_factor",
    "market_provisional",
    "energy_per_unit_wh",
    "rating",
    "band_lowest_wh",
    "band_highest_wh",
    "runs_compared",
    "computed_at",
    "rated_at",
)

# What a run hosted in a registered data centre has and one with a PUE and grid factor given
# has not: the provenance of the host's factors and the market-based figures (a run not hosted
# may still name its year).
_HOST_TEXTS = ("location_series", "location_region", "market_series", "market_region")
_HOST_FIELDS = (
    "location_factor_year",
    "location_factor",
    "location_provisional",
    "market_factor_year",
    "market_factor",
    "market_provisional",
    "market_based_emission_factor",
    "market_based_emissions_kgco2e",
)
# What a run with a performance metric has and one without has not.
_RATING_FIELDS = (
    "metric_value",
    "energy_per_unit_wh",
    "rating",
    "band_lowest_wh",
    "band_highest_wh",
    "runs_compared",
    "rated_at",
)


# 5 x (energy per unit - lowest) and (highest - lowest), in the database's exact numerics.
_ABOVE_LOWEST = 5 * (F("energy_per_unit_wh") - F("band_lowest_wh"))
_BAND_RANGE = F("band_highest_wh") - F("band_lowest_wh")


def _all_null(fields: tuple[str, ...], null: bool) -> Q:
    return Q(**{f"{field}__isnull": null for field in fields})


def _all_blank(fields: tuple[str, ...], blank: bool) -> Q:
    if blank:
        return Q(**{field: "" for field in fields})
    return Q(*(~Q(**{field: ""}) for field in fields))


class Workload(TimeStampedModel):
    """A training or inference run of a company, private to it, operators and regulators.

    Inputs: the accelerators' average power (W) or their metered energy (kWh), one of the two;
    the host data centre (its PUE and factors of `year`) or a PUE and a grid factor given.
    Figures: IT energy = power x count x hours / 1000, or the metered energy; energy = IT energy
    x PUE; emissions = energy x `emission_factor` (and, hosted, x `market_based_emission_factor`);
    with a metric, energy per unit = energy x 1000 / metric value (Wh) and its rating among the
    runs of its task and metric, with the band's lowest and highest energy per unit.
    """

    owner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="workloads")
    name = models.CharField(max_length=200)
    task = models.CharField(max_length=64, choices=WorkloadTask)
    model_name = models.CharField(max_length=200, blank=True)
    model_parameters = models.BigIntegerField(
        null=True, blank=True, help_text="The model's size: its number of parameters."
    )
    accelerator = models.CharField(max_length=100, help_text="The accelerator model: NVIDIA V100.")
    accelerator_count = models.IntegerField()
    hours = models.DecimalField(max_digits=12, decimal_places=4, help_text="Wall-clock hours.")
    avg_power_watts = models.DecimalField(
        max_digits=15,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Average power per accelerator (its share of the server included, as measured).",
    )
    metered_energy_kwh = models.DecimalField(
        max_digits=24,
        decimal_places=9,
        null=True,
        blank=True,
        help_text="The run's metered IT energy, before the PUE.",
    )
    data_centre = models.ForeignKey(
        "compute.DataCentre",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workloads",
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The host's year whose PUE and factors were used."
    )
    grid_factor = models.DecimalField(
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="kgCO2e/kWh as given, without a host.",
    )
    metric_name = models.CharField(
        max_length=64, blank=True, help_text="The unit of work: tokens, queries, images."
    )
    metric_value = models.DecimalField(max_digits=30, decimal_places=6, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Figures (WORKLOAD_FIGURE_FIELDS).
    pue = models.DecimalField(
        max_digits=14, decimal_places=6, help_text="As given, or the host's yearly PUE."
    )
    it_energy_kwh = models.DecimalField(max_digits=40, decimal_places=9)
    energy_kwh = models.DecimalField(max_digits=32, decimal_places=9, help_text="IT energy x PUE.")
    emission_factor = models.DecimalField(
        max_digits=26, decimal_places=12, help_text="Location-based kgCO2e per kWh of energy."
    )
    emissions_kgco2e = models.DecimalField(max_digits=36, decimal_places=6)
    market_based_emission_factor = models.DecimalField(
        max_digits=26, decimal_places=12, null=True, blank=True
    )
    market_based_emissions_kgco2e = models.DecimalField(
        max_digits=36, decimal_places=6, null=True, blank=True
    )
    location_series = models.CharField(max_length=64, blank=True)
    location_region = models.CharField(max_length=32, blank=True)
    location_factor_year = models.PositiveSmallIntegerField(null=True, blank=True)
    location_factor = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    location_provisional = models.BooleanField(null=True, blank=True)
    market_series = models.CharField(max_length=64, blank=True)
    market_region = models.CharField(max_length=32, blank=True)
    market_factor_year = models.PositiveSmallIntegerField(null=True, blank=True)
    market_factor = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    market_provisional = models.BooleanField(null=True, blank=True)
    energy_per_unit_wh = models.DecimalField(
        max_digits=40, decimal_places=12, null=True, blank=True
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    band_lowest_wh = models.DecimalField(max_digits=40, decimal_places=12, null=True, blank=True)
    band_highest_wh = models.DecimalField(max_digits=40, decimal_places=12, null=True, blank=True)
    runs_compared = models.IntegerField(null=True, blank=True)
    computed_at = models.DateTimeField(help_text="When energy and emissions were computed.")
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["task", "metric_name", "energy_per_unit_wh"],
                condition=Q(energy_per_unit_wh__isnull=False),
                name="workload_rated_runs_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(task__in=WorkloadTask.values), name="workload_task_valid"
            ),
            models.CheckConstraint(
                condition=Q(accelerator_count__gte=1), name="workload_accelerator_count_positive"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="workload_hours_positive"),
            models.CheckConstraint(
                condition=Q(model_parameters__isnull=True) | Q(model_parameters__gte=1),
                name="workload_model_parameters_positive",
            ),
            # Average power or metered energy: one of the two, above zero.
            models.CheckConstraint(
                condition=Q(avg_power_watts__gt=0, metered_energy_kwh__isnull=True)
                | Q(avg_power_watts__isnull=True, metered_energy_kwh__gt=0),
                name="workload_power_or_metered_energy",
            ),
            models.CheckConstraint(condition=Q(pue__gte=1), name="workload_pue_at_least_one"),
            # Hosted: the host's year and factors, both roles. Not hosted: a grid factor given.
            models.CheckConstraint(
                condition=(
                    Q(data_centre__isnull=False, year__isnull=False, grid_factor__isnull=True)
                    & _all_null(_HOST_FIELDS, False)
                    & _all_blank(_HOST_TEXTS, False)
                )
                | (
                    Q(data_centre__isnull=True, grid_factor__gte=0)
                    & _all_null(_HOST_FIELDS, True)
                    & _all_blank(_HOST_TEXTS, True)
                ),
                name="workload_host_or_grid_factor",
            ),
            # Energy includes the PUE (at least 1), so it is never below the IT energy.
            models.CheckConstraint(
                condition=Q(it_energy_kwh__gte=0, energy_kwh__gte=F("it_energy_kwh")),
                name="workload_energy_includes_pue",
            ),
            models.CheckConstraint(
                condition=Q(emission_factor__gte=0, emissions_kgco2e__gte=0)
                & (
                    Q(market_based_emissions_kgco2e__isnull=True)
                    | Q(market_based_emission_factor__gte=0, market_based_emissions_kgco2e__gte=0)
                ),
                name="workload_emissions_not_negative",
            ),
            # A metric is a name and a value above zero; with it, and only with it, a rating.
            models.CheckConstraint(
                condition=(Q(metric_name="") & _all_null(_RATING_FIELDS, True))
                | (~Q(metric_name="") & Q(metric_value__gt=0) & _all_null(_RATING_FIELDS, False)),
                name="workload_rated_with_metric",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(
                    runs_compared__gte=1,
                    band_lowest_wh__gte=0,
                    band_lowest_wh__lte=F("energy_per_unit_wh"),
                    band_highest_wh__gte=F("energy_per_unit_wh"),
                ),
                name="workload_rating_within_bands",
            ),
            # Five equal bands of (highest - lowest) / 5: rating 5 - k for the first band k
            # (0 to 4) whose upper edge the energy per unit does not exceed, compared exactly as
            # 5 x (energy per unit - lowest) <= (k + 1) x (highest - lowest).
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | (
                    Q(rating__gte=1, rating__lte=5)
                    & LessThanOrEqual(_ABOVE_LOWEST, (6 - F("rating")) * _BAND_RANGE)
                    & (Q(rating=5) | GreaterThan(_ABOVE_LOWEST, (5 - F("rating")) * _BAND_RANGE))
                ),
                name="workload_rating_matches_band",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kind(self) -> str:
        """The last word of the task: training or inference."""
        return self.task.rsplit("_", 1)[1]

    @property
    def hosted(self) -> bool:
        return self.data_centre_id is not None

    @property
    def provisional(self) -> bool:
        """A host's factor stood in for one its year does not have yet."""
        return bool(self.location_provisional or self.market_provisional)
