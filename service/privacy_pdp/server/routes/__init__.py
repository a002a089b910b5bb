"""HTTP routes, one router per area; they reach the runtime through FastAPI dependencies."""

from starlette.convertors import Convertor, register_url_convertor


class AnyPath(Convertor[str]):
    """Starlette's ``path`` stops at a newline; OPA takes any (percent-decoded) path."""

    regex = r"[\s\S]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("anypath", AnyPath())
