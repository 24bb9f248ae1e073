"""English or Spanish, from the words a lead uses."""

from __future__ import annotations

import re
from functools import lru_cache

from agents.types import Language

# Words that are common in Spanish texts and do not occur as English words.
_SPANISH = frozenset(
    """
    hola buenas buenos dias tardes noches gracias favor quiero queremos busco buscamos buscando
    necesito necesitamos tengo tenemos casa casas vender venta vendo comprar compra comprando
    recamaras recámaras recamara recámara habitaciones cuartos dormitorios baños banos precio
    precios cuanto cuánto cuanta cuánta cobran comision comisión mi mis su sus nuestra nuestro
    una unos unas el los las del al es está esta estan están son hay hasta para por con sin que qué
    como cómo cuando cuándo donde dónde pero porque muy mas más bien ya tambien también puedo
    puede pueden podemos quisiera vivir mudarnos mercado oferta contraoferta cierre tasacion
    tasación avaluo avalúo inspeccion inspección notario firma abogado impuestos llamar llamame
    llámame hablar persona alguien ayuda ayudar tiempo meses año años ahora pronto millones
    millon millón dinero pago enganche credito crédito vecindario zona escuelas barrio nueva nuevo
    ustedes usted estoy estamos somos fue sera será seria sería le lo nos se si sí aún todavia
    todavía vale valor cuesta molesto enojado decepcionado frustrado nadie nunca
    mensajes mensaje manden mande envien envíen escriban escriba dejen textos llamen gente
    """.split()
)
_ENGLISH = frozenset(
    """
    the a an is are was were i we you my our your to for in on at of and or but with what when
    where how can could would should will do does did have has had looking want need buy sell
    house home please thanks thank hi hello still any this that there it me us they be
    """.split()
)
_WORD = re.compile(r"[a-záéíóúñü]+")
_SPANISH_MARKS = re.compile(r"[¿¡ñáéíóú]")


def detect_language(text: str, default: Language | None = None) -> Language:
    """Spanish when Spanish words outweigh English ones, English when the reverse; when the
    message has no telling words ("ok", "STOP", "3br?"), the lead's language so far, else English."""
    spanish, english = _telling_words(text)
    if spanish == english:  # no telling words, or as many of each ("a las 4"): the conversation's language
        return default or Language.EN
    return Language.ES if spanish > english else Language.EN


@lru_cache(maxsize=256)
def _telling_words(text: str) -> tuple[int, int]:
    """How many Spanish and English words `text` has (counted once per text: the overseer and the
    price reader both ask)."""
    words = _WORD.findall(text.lower())
    spanish = sum(1 for w in words if w in _SPANISH) + len(_SPANISH_MARKS.findall(text.lower()))
    return spanish, sum(1 for w in words if w in _ENGLISH)
