"""The basket in templates of pages whose views do not hand it over (the library's
list and a publication's page): ``{% current_basket as basket %}``, then
``{% include "literature/basket.html#toggle" with kind="pmid" key=... title=... %}``
and ``{% include "literature/basket.html#count_link" %}``."""

from __future__ import annotations

from typing import Any

from django import template

from liaison.literature.basket import Basket

register = template.Library()


@register.simple_tag(takes_context=True)
def current_basket(context: dict[str, Any]) -> Basket:
    """The basket of the request's session."""
    return Basket(context["request"].session)
