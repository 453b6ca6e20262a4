"""Errors the engine raises, each naming the field a person has to change."""


class EngineError(Exception):
    """A methodology or a calculation was refused.

    `field` is a path into what the caller sent (`equations[2].expression`, `result`,
    `parameters.EG_export`) and `message` a sentence for the person who sent it; the web layer
    turns the pair into a 400 response `{field: [message]}`.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ModelError(EngineError):
    """The methodology's model is wrong: raised when a model is checked before it is saved."""


class InputError(EngineError):
    """The data given to a calculation is wrong: missing, out of bounds, in the wrong unit, or
    values for which an equation is undefined (such as a division by zero)."""


class Refusal(Exception):
    """A rule broken inside the engine, before the caller has said which field it belongs to.

    Internal: `model.py` turns every `Refusal` into a `ModelError` or an `InputError` with a field.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
