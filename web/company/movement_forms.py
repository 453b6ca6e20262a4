"""The transfer and retire forms: they check the shape of the input, as the ledger API's input
serializers do, and offer the company's active blocks; the services decide the rest."""

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from registry.ledger import selectors
from registry.ledger.models import CreditBlock, HoldingAccount, Retirement
from web.company.form_answers import add_key_field

NO_SUCH_ACCOUNT = _("No holding account has this number.")


class BlockChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, block: CreditBlock) -> str:
        return _("%(serial)s · %(quantity)s credits · %(project)s") % {
            "serial": block.serial,
            "quantity": number_format(block.quantity, force_grouping=True),
            "project": block.project.title,
        }


class MovementForm(forms.Form):
    """What a transfer and a retirement share: a block of the company's, a quantity, a note and
    the form's idempotency key. Any block of the company's is accepted (a frozen one is the
    service's 409, as in the API); the list offers the active ones."""

    block = BlockChoiceField(queryset=CreditBlock.objects.none(), label=_("Credits (block)"))
    quantity = forms.IntegerField(min_value=1, label=_("Quantity (credits)"))
    note = forms.CharField(
        max_length=10000, required=False, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        visible = selectors.blocks_visible_to(user)
        block = self.fields["block"]
        block.queryset = visible
        active = visible.filter(status=CreditBlock.Status.ACTIVE).order_by("project_id", "first")
        block.widget.choices = [("", "---------")] + [
            (each.pk, block.label_from_instance(each)) for each in active
        ]
        add_key_field(self)


class TransferForm(MovementForm):
    to_account = forms.IntegerField(
        min_value=1,
        label=_("Receiving account number"),
        help_text=_("The number of the holding account the credits go to."),
    )

    field_order = ["block", "quantity", "to_account", "note"]

    def clean_to_account(self) -> HoldingAccount:
        # Any account, as the API's transfer input takes any: the service refuses system ones.
        account = HoldingAccount.objects.filter(pk=self.cleaned_data["to_account"]).first()
        if account is None:
            raise forms.ValidationError(NO_SUCH_ACCOUNT)
        return account


class RetireForm(MovementForm):
    beneficiary = forms.CharField(max_length=300, label=_("Beneficiary"))
    purpose = forms.ChoiceField(choices=Retirement.Purpose.choices, label=_("Purpose"))

    field_order = ["block", "quantity", "beneficiary", "purpose", "note"]
