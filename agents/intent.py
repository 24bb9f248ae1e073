"""Which specialist a message is for: weighted cues per persona, in English and Spanish.

A cue is a kind of request ("sell for", "escrow", "counter"), weighted by how sure it makes us.
The persona with the highest total wins; ties go to the more specialised persona, because a
specialist's question is the one a generalist would hand over anyway.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from agents.phrases import COUNTER_DECISION, DISCLOSURE_QUESTION, FEE_QUESTION, MARKET_TALK_OVER_ASKING, neutralize
from agents.types import Persona

Cues = tuple[tuple[re.Pattern[str], int], ...]


def _cues(*pairs: tuple[str, int]) -> Cues:
    # Lowercase patterns on lowercased text: several times faster than IGNORECASE.
    return tuple((re.compile(pattern), weight) for pattern, weight in pairs)


CUES: Mapping[Persona, Cues] = {
    Persona.NEGOTIATION: _cues(
        (COUNTER_DECISION, 5),
        (r"\bcounter(?:[- ]?offer)?(?:s|ed|ing)?\b|\bcontra\s*ofert\w*", 4),
        (
            r"\bwaiv(?:e|ing|ed)\b|\b(?:drop|skip|give\s+up)\s+(?:our|the|my|all|any)?\s*(?:\w+\s+)?contingenc|\bno\s+contingencies\b|\bput\s+in\s+(?:an?\s+offer|\$?\d)|\bhacer\s+(?:un|una)\s+(?:offer|oferta)\b",
            6,
        ),
        (
            r"\brent[- ]?backs?\b|\bpush\s+back\b(?!\s+(?:the\s+)?(?:closing|close|date))|\b(?:sellers?|buyers?|listing\s+agent)\s+(?:want|wants|asked|are\s+asking|is\s+asking|requested|hinted)\b|\bfrontrunner\b",
            5,
        ),
        (r"\bcovers?\s+the\s+(?:appraisal\s+)?gap\b|\bcame\s+in\s+(?:\S+\s+)?(?:low|under|short|below)\b", 7),
        (
            r"\b(?:received|got|have|get|making|make|submit(?:ted)?|write|wrote|send|sent|accept(?:ed)?|reject(?:ed)?|multiple|an?|our|their|the|best|highest|cash|backup|lowball|full[- ]price)\s+(?:an?\s+)?offers?\b|\boffers?\s+(?:at|of|for|came|was|were|price|deadline)\b|\boffered\b|\b(?:\d+|two|three|four|five|several|multiple|competing|un|una)\s+offers?\b|\bofert\w*|\bofrec",
            3,
        ),
        (
            r"\bask\s+for\s+(?:a\s+|an\s+)?(?:[\w$.,]+\s+)?credits?\b|\b\$?\d+(?:\.\d+)?k?\s+(?:credit|concession)\b|\bbaj(?:e|en|ar)\s+(?:el\s+)?precio\b|\bpedir(?:le|les)?\s+que\b|\b(?:apprais\w*)\s+(?:gap|came\s+(?:in\s+)?(?:\S+\s+)?low|(?:is|was)\s+low)|\bcover\s+the\s+gap\b",
            5,
        ),
        (
            r"\bconcessions?\b|\b(?:seller|closing(?:[- ]cost)?|repair)\s+credits?\b|\bcredits?\s+(?:for|toward|towards|back|at\s+closing)\b",
            3,
        ),
        (
            r"\bsellers?\s+(?:to\s+)?(?:pay|cover|fix|repair|credit|contribute)\b|\b(?:ask|get|make|have)\s+(?:the\s+)?(?:sellers?|owners?)\s+(?:to\s+)?(?:pay|cover|fix|repair|lower|drop|come\s+down)\b",
            4,
        ),
        (
            r"\bask(?:ing)?\s+(?:the\s+)?(?:sellers?|buyers?|owners?|them|him|her|listing\s+agent)\s+(?:to\s+(?:replace|fix|repair|pay|cover|credit|lower|drop|reduce|include|leave|come\s+down|contribute|extend)|for\s+(?:a\s+|an?\s+|\$)?)|\b(?:buyers?|sellers?)\s+(?:wants?|asked|asking|requested|is\s+asking|are\s+asking)\s+(?:us|me|for)\b|\b(?:cover|pay|contribute)\s+(?:for\s+)?(?:\d+\s*%\s+of\s+|some\s+of\s+|part\s+of\s+|half\s+of\s+)?(?:their|the\s+buyer'?s|the\s+seller'?s|his|her)\s+closing\s+costs\b|\bpedir(?:le|les)?\s+al\s+(?:vendedor|comprador|due[ñn]o)|\b(?:vendedor|comprador)\w*\s+(?:que\s+)?pague",
            5,
        ),
        (
            r"\bnegotiat|\brenegotiat|\bnegociar\b|\bbest\s+and\s+final\b|\bhighest\s+and\s+best\b|\bbidding\s+war\b|\bescalation\s+clause\b",
            4,
        ),
        (
            r"\b(?:offer\w*|pay|paying|go|going|bid\w*|come\s+in|counter\w*)\s+(?:\S+\s+){0,2}(?:over|under|above|below)\s+(?:the\s+)?(?:asking|list)(?:\s+price)?\b|\blowball|\bshould\s+(?:we|i)\s+accept\b|\bcounter\s+or\s+accept\b|\brepair\s+requests?\b|\bask\s+for\s+repairs\b",
            3,
        ),
        (
            r"\b(?:lower|drop|reduce)\s+(?:the|their|his|her)\s+(?:price|asking)\b|\bcome\s+down\s+on\b|\bbajar\s+el\s+precio\b",
            3,
        ),
    ),
    Persona.TRANSACTION: _cues(
        (r"\bcontingencias?\b|\bse\s+vencen\b|\bvencimiento\b", 3),
        (r"\bescrow\b|\bclose\s+of\s+escrow\b|\bcoe\b|\bdep[oó]sito\s+en\s+garant[ií]a\b", 4),
        (
            r"\bappraisal\s+(?:appointment|date|day|report|came|is|was|scheduled|done|results?|value)\b|\b(?:when|what\s+time)\s+is\s+the\s+(?:appraisal|inspection|closing|signing|walk[- ]?through|final\s+walk)",
            4,
        ),
        (r"\bappraisal\b|\bappraiser\b|\btasaci[oó]n\b|\baval[uú]o\b", 2),
        (r"\binspection\b|\binspector\b|\binspecci[oó]n\b", 2),
        (
            r"\bnotary\b|\bnotario\b|\bsign(?:ing)?\s+(?:the\s+)?(?:docs|documents|papers|paperwork|loan)\b|\b(?:the|our)\s+signing\b|\bsigning\s+(?:appointment|date|time)\b",
            4,
        ),
        (r"\bsigning\b|\bfirma(?:r)?\b", 2),
        (
            r"\b(?:bring|need|wire)\s+(?:\w+\s+){0,3}(?:to|at|for)\s+closing\b|\bcash\s+to\s+close\b|\bclosing\s+(?:costs?\s+)?estimate\b|\bclos(?:e|ing)\s+(?:on|by)\s+(?:the\s+)?\d|\bon\s+track\s+to\s+close\b",
            4,
        ),
        (
            r"\bcontingenc(?:y|ies)\s+(?:expire|removal|remove|deadline|period|date)|\b(?:remove|removal\s+of)\s+(?:the\s+)?contingenc|\bcontingenc(?:y|ies)\b",
            3,
        ),
        (
            r"\bclosing\s+(?:date|day|docs|documents|disclosure|appointment|statement|time)\b|\bwhen\s+(?:do|are|will|can)\s+(?:we|i)\s+close\b|\bclose\s+on\s+time\b|\bfecha\s+de\s+cierre\b|\bel\s+cierre\b",
            4,
        ),
        (
            r"\btitle\s+(?:company|report|insurance|officer)\b|\bprelim\b|\bunderwriting\b|\bunderwriter\b|\bclear\s+to\s+close\b|\bloan\s+(?:docs|documents|approval|status|funded|funding)\b|\bfunding\b|\brecord(?:ed|ing)\b",
            3,
        ),
        (
            r"\bwalk[- ]?through\b|\bkeys\b|\bllaves\b|\bmove[- ]in\s+date\b|\bpossession\b|\bwire\b|\bwiring\b|\bearnest\s+money\b|\bemd\b|\bhoa\s+(?:docs|documents)\b|\bbank\s+statements?\b|\bpay\s*stubs?\b|\blender\s+(?:wants|needs|asked|requested|is\s+asking)\b|\bt[ií]tulo\b|\bpreliminar\b|\bcerrar\s+(?:antes|el|para|a\s+tiempo)\b|\brate\s+lock\b",
            3,
        ),
        (r"\bclosing\b(?!\s+costs?)|\bcierre\b", 2),
        (r"\bdeadline\b|\bpaperwork\b|\bdocuments?\b|\bdocs\b|\bdocumentos\b", 1),
    ),
    Persona.LISTING: _cues(
        (
            r"\bsell(?:ing)?\s+(?:my|our|the|this|it|a|his|her|their)\b|\bsell\s+for\b|\bto\s+sell\b|\bselling\b|\bsell\b|\bsold\s+by\b|\b(?:you|jorge|y'?all)\s+sell\b|\bhoping\s+to\s+get\b|\b(?:isn'?t|not|hasn'?t|never|wasn'?t)\s+(?:been\s+)?sold\b",
            3,
        ),
        (
            r"\blist(?:ing)?\s+(?:my|our|the|this|it|a)\s+(?:[\w-]+\s+){0,2}(?:house|home|condo|place|property|townhouse|townhome)\b|\blist(?:ing)?\s+(?:my|our|it)\b|\b(?:want|ready|plan(?:ning)?|hoping|going)\s+to\s+list\b|\b(?:my|our)\s+listing\b|\blist\s+(?:it|with\s+(?:you|jorge))\b|\bready\s+to\s+list\b|\blist\s+(?:it\s+)?(?:at|for)\b|\bthinking\s+(?:of\s+|about\s+)?list(?:ing)?\b|\blisting\s+(?:agreement|agent|appointment)\b|\bput\s+(?:it|my|our)\b[^.?!]{0,20}\bon\s+the\s+market\b",
            4,
        ),
        (
            r"\b(?:what(?:'s|\s+is)|how\s+much\s+is)\s+(?:my|our)\s+(?:home|house|condo|place|property|townhouse)\s+worth\b|\b(?:my|our)\s+(?:home|house|condo|place|property)(?:'s)?\s+(?:value|worth)\b|\b(?:my|our)\s+(?:home|house|condo|place|property|townhouse|\d\s*(?:br|bd|bed\w*))\b[^.?!]{0,40}\bworth\b|\b(?:how\s+much|what)\s+(?:could|can|would|will|might)\s+(?:i|we)\s+get\s+for\s+(?:it|my|our|the\s+(?:house|home|place|condo))\b|\b(?:my|our)\b[^.?!]{0,40}\b(?:go|sell|list)\s+for\b|\b(?:my|our)\b[^.?!]{0,40}\bworth\b|\bwhat\s+(?:would|could|will|might)\s+(?:it|my\s+\w+|our\s+\w+|the\s+house)\s+(?:go|sell)\s+for\b|\bget\s+(?:my|our|it|the\s+house)\b[^.?!]{0,30}\bsold\b|\bhome\s+value\b|\bvalue\s+of\s+(?:my|our)\b|\b(?:should|would|could|must)\s+be\s+worth\b|\bcma\b|\bcomps\s+for\s+(?:my|our)\b",
            3,
        ),
        (
            r"\brepaint|\bstag(?:e|ing)\b|\bcurb\s+appeal\b|\bbefore\s+(?:selling|listing|we\s+sell|i\s+sell)\b|\bopen\s+house\s+for\s+(?:my|our)\b|\bphotos?\s+of\s+(?:my|our)\b",
            3,
        ),
        (
            r"\bvend(?:er|o|emos|iendo|imos)(?:le|la|lo|les)?\b|\bventa\s+de\s+(?:mi|nuestra)\b|\bcu[aá]nto\s+vale\s+(?:mi|nuestra)\b",
            4,
        ),
        (
            r"\bcommissions?\b|\bcomisi[oó]n\b|\bcobr\w*|\bwhat\s+do\s+(?:you|u)\s+charge\b|\blisting\s+fee\b|\bflat\s+fee\b|\b(?:take|charge|do)\s+(?:\d(?:\.\d+)?\s*%|less)\b",
            2,
        ),
        (
            r"\bvaluation\b|\bponer(?:la|lo)?\s+a\s+la\s+venta\b|\ba\s+la\s+venta\b|\b(?:want|get|need|asking|hoping\s+for)\s+(?:at\s+least\s+)?(?:\$?\d[\d,.]*k?|around|about)\b[^.?!]{0,15}\bfor\s+(?:it|our|my|the\s+house)\b|\b(?:\d+|a|one|two|three|four|five|six|several|few)\s+(?:weeks?|months?|days?)\s+on\s+(?:the\s+)?market\b|\b(?:zero|no)\s+(?:offers|showings)\b|\b(?:have|need|required|obligated)\s+to\s+(?:tell|inform|let\s+know|mention)\s+(?:the\s+)?(?:buyers?|them|anyone)\b|\btell\s+(?:the\s+)?buyers?\s+about\b",
            4,
        ),
        (
            r"\b\d(?:\.\d+)?\s*%\s*(?:agent|commission|listing)|\b(?:take|charge|accept)\s+(?:less\s+than|under)\s*\d(?:\.\d+)?\s*%|\b(?:ur|your)\s+fee\b|\bmale\s+buyer|\bbuyers?\s+(?:from|who|that|with)\b",
            3,
        ),
        (
            r"\bdisclos(?:e|ure|ures)\b|\btenants?\b|\bsellers?\s+(?:disclosure|net\s+sheet)\b|\bnet\s+sheet\b|\bmy\s+equity\b",
            2,
        ),
        # A seller's own words: what their place could fetch, when to list, a listing with no showings.
        (
            r"\b(?:my|our)\s+(?:[\w-]+\s+){0,3}(?:place|house|home|condo|property|townhouse|townhome)\b[^.?!]{0,40}\b(?:could|would|should|might|will|can)\s+(?:get|fetch|bring|go\s+for|sell(?:\s+for)?|list)\b|\bhoping\s+(?:for|to\s+get)\s+(?:around\s+|about\s+)?\$?\d|\b(?:best|right|good|ideal)\s+time\s+to\s+list\b|\bwhen\s+(?:should|do|can)\s+(?:we|i)\s+list\b|\bhow\s+(?:fast|soon|quickly)\s+(?:could|can|would|will)\s+(?:we|i|you)\s+(?:list|sell)\b|\binherit(?:ed|ing)?\b|\bleft\s+(?:me|us)\s+(?:her|his|their|the)\s+(?:house|home|place|condo|property)\b",
            4,
        ),
        (r"\bwhat'?s\s+it\s+worth\b|\bwhat\s+is\s+it\s+worth\b", 2),
        (
            r"\bponer\s+(?:la|nuestra|mi)\s+casa\s+(?:a\s+la\s+venta|en\s+venta|for\s+sale)\b|\bput\s+(?:the|our|my)\s+(?:house|home|place|condo)\s+(?:up\s+)?for\s+sale\b|\besperamos\s+(?:unos\s+|como\s+)?\$?\d",
            4,
        ),
        (
            r"\bshowings?\s+(?:on|at|of|for)\s+(?:our|my)\s+(?:house|home|place|condo|property|listing)\b|\b(?:not\s+(?:one|a\s+single|any)|0)\s+(?:single\s+)?(?:offers?|showings?)\b",
            4,
        ),
        (FEE_QUESTION, 2),
        (DISCLOSURE_QUESTION, 4),
        (
            r"\bsell(?:ing)?\s+(?:my|our)\s+(?:rental|investment|property|duplex|triplex|fourplex|condo|townhouse|land|lot)\b",
            3,
        ),
        (
            r"\b(?:la|nuestra|mi)\s+casa\s+no\s+se\s+(?:vende|ha\s+vendido)\b|\bllevamos\s+\d+\s+(?:meses|semanas|d[ií]as)\b|\blleva\s+\d+\s+(?:d[ií]as|semanas|meses)\s+en\s+el\s+mercado\b|\b(?:our|my)\s+(?:house|home|place|listing)\s+(?:has\s+been|is)\s+(?:sitting\s+)?on\s+the\s+market\b",
            5,
        ),
        (
            r"\b(?:my|our)\s+(?:house|home|condo|townhouse|townhome|property|place)\b|\bmi\s+casa\b|\bnuestra\s+casa\b",
            1,
        ),
    ),
    Persona.MARKET: _cues(
        # Small talk about the market: whether to buy now or wait, how hot it is, how long homes sit.
        (
            r"\b(?:good|bad|dumb|smart|right|wrong|best|worst|terrible|great)\s+time\s+to\s+(?:buy|sell|invest)\b|\bshould\s+(?:i|we)\s+(?:just\s+)?(?:wait|hold\s+off)\b|\bwait\s+(?:to\s+buy|until\s+(?:prices|rates))\b",
            4,
        ),
        (
            r"\b(?:houses|homes|prices|market|things|properties|condos)\s+(?:still\s+)?(?:going\s+crazy|crazy|hot|on\s+fire|cooling(?:\s+off)?|slowing(?:\s+down)?|flying\s+off)\b|\b(?:homes|houses|listings|properties)\s+(?:\w+\s+){0,2}(?:sitting|lasting)\b|\bhow\s+(?:many\s+days|long)\s+(?:are|do)\s+(?:homes|houses|listings|properties)\b",
            4,
        ),
        (
            r"\b(?:how(?:'s|\s+is)|what(?:'s|\s+is))\s+the\s+(?:housing\s+|real\s+estate\s+|local\s+)?market\b|\b(?:housing|real\s+estate|local)\s+market\b|\bthe\s+market\s+(?:in|like|doing|right\s+now|now|today|this|going)\b|\bmarket\s+(?:update|report|trends?|conditions|forecast)\b|\bmercado\b",
            4,
        ),
        (
            r"\b(?:buyer'?s|seller'?s)\s+market\b|\bprices?\s+(?:rise|rose|risen|go\s+up|went\s+up|gone\s+up|increase[ds]?|drop(?:ped)?|fall|fell|fallen|change[ds]?)\b|\b(?:homes|houses|properties|condos|listings)\b[^.?!]{0,30}\b(?:usually|typically|normally|on\s+average)\b|\bhow\s+(?:fast|quickly|long)\s+(?:do|are|does|will)\s+(?:homes|houses|properties|condos|things)\b",
            4,
        ),
        (
            r"\b(?:home|house|housing|condo)\s+prices\b|\bprices\s+(?:in|around|going|still|are|have|dropping|falling|rising|climbing|coming)\b|\bprecios\b",
            3,
        ),
        (
            r"\bprice\s+per\s+(?:square\s+(?:foot|feet)|sq\.?\s*ft|sqft|sf)\b|\bper\s+square\s+foot\b|\bappreciat\w*|\btrends?\b|\bforecast\b|\bcrash\w*|\bbubble\b|\bmedian\b|\baverage\s+(?:price|home|sale|days)\b|\bdays\s+on\s+(?:the\s+)?market\b|\binventory\b|\bcomps\b",
            4,
        ),
        (
            r"\b(?:interest|mortgage)\s+rates?\b|\brates\s+(?:go|going|drop|dropping|come|coming|to)\b|\btasas?\s+de\s+inter[eé]s\b|(?<!your\s)(?<!ur\s)\brates\b|\bprecio\s+promedio\b|\bpromedio\b",
            4,
        ),
        (
            r"\bcompar(?:e|ed|es|ing|ison)\b|\bresale\s+value\b|\blong[- ]term\b|\bappreciation\b|\brent\s+for\b|\brents?\s+(?:in|are|around|these)\b|\brental\s+rates?\b|\banother\s+(?:2008|crash)\b|\bhousing\s+crash\b",
            3,
        ),
        (
            r"\bvalues?\s+(?:\w+\s+){0,4}(?:gone\s+up|went\s+up|go\s+up|risen|rose|increased|dropped|fallen|changed|climb\w*)|\bhome\s+values\b|\bvalues\s+in\b|\bprices?\s+(?:will|to|are\s+going\s+to|gonna)\s+(?:drop|fall|crash|go\s+up|go\s+down|rise|climb)|\bsubid[oa]s?\b|\bhan\s+(?:subido|bajado)\b|\bsubir[aá]n?\b",
            4,
        ),
        (r"\bthese\s+days\b|\b(?:this|last)\s+(?:year|quarter|month)\b|\bgoing\s+for\b", 2),
        (r"\bgoing\s+rates?\b", 3),
        (MARKET_TALK_OVER_ASKING, 5),
        (
            r"\b(?:held|hold|holding|kept|keep)\s+(?:its|their|up\s+its|up\s+their)\s+value\b|\b(?:over|in)\s+the\s+(?:past|last)\s+(?:few|couple(?:\s+of)?|\d+|two|three|five|ten)\s+years\b",
            4,
        ),
        (r"\bwhat'?s\s+(?:selling|moving|hot)\b", 3),
        (r"\blately\b|\brecently\b", 1),
        (r"\bresales?\b|\brent\b[^.?!]{0,30}\b(?:get|go\s+for|fetch|bring)\b|\bwhat\s+(?:kind\s+of\s+)?rents?\b", 3),
        (
            r"\b(?:homes|houses|properties|condos|townhomes|beds|bedrooms)\s+(?:are\s+)?(?:sell|sold|go|went|going|selling)\s+for\b",
            4,
        ),
        (
            r"\bse\s+(?:est[aá]n\s+)?vend(?:en|iendo|ieron)\b|\btardan\s+en\s+venderse\b|\bcu[aá]nto\s+tiempo\s+(?:duran|tardan|est[aá]n)\s+las\s+casas\b",
            5,
        ),
        (
            r"\b(?:el|al|por)\s+pie\s+cuadrado\b|\bprecio\s+por\s+pie\b|\bbuena\s+idea\s+(?:comprar|vender|invertir)\b|\b(?:casas?|propiedad(?:es)?|departamentos?|unidades)\s+para\s+rent(?:ar|a)\b|\binvertir\b",
            4,
        ),
        (
            r"\binvest(?:ment|ments|or|ors|ing)?\b|\brentals?\b|\brental\s+(?:property|properties|income)\b|\brent\s+(?:it|them)\s+out\b|\bcash\s+flow\b|\broi\b|\bcap\s+rate\b|\bairbnb\b|\binver(?:sión|sion|tir)\b",
            3,
        ),
        (
            r"\bgood\s+(?:time|place|area|city|spot|year)\s+to\s+(?:buy|sell|invest|live)\b|\bbuen\s+momento\b|\b(?:still\s+)?(?:climbing|rising|dropping|falling|cooling|heating\s+up|going\s+up|going\s+down|coming\s+down|subiendo|bajando)\b|\beconomy\b|\brecession\b",
            3,
        ),
        (r"\bcompared\s+to\b|\bvs\.?\b|\bversus\b|\bbetter\s+(?:value|investment|area)\b", 1),
    ),
    Persona.BUYER: _cues(
        # A renter asking whether they can buy is a buyer, whatever their rent is.
        (
            r"\bafford\b|\b(?:tired\s+of|done|instead\s+of)\s+(?:paying\s+)?rent(?:ing)?\b|\bpaying\s+\$?[\d,]+k?\s+(?:a\s+month\s+)?(?:in\s+)?rent\b|\bdejar\s+de\s+rentar\b|\bpagando\s+renta\b",
            3,
        ),
        (r"\b(?:looking|lookin|need|want|searching)\s+(?:for\s+)?(?:an?\s+)?\d\s*(?:br|bd|bed|bdrm|bedroom)", 3),
        (r"\b(?:todav[ií]a|a[uú]n|sigue)\s+(?:est[aá]\s+)?(?:a\s+la\s+venta|en\s+venta|disponible)\b", 5),
        (
            r"\brather\s+own\b|\bwhat\s+(?:can|could|would)\s+(?:i|we)\s+get\s+for\s+(?:about\s+|around\s+|under\s+)?\$?\d",
            3,
        ),
        # Investors with money to place are buyers, however much they talk about rents and cash flow.
        (
            r"\bcash\s+buyers?\b|\b(?:deploy|park|put)\s+(?:\w+\s+){0,2}\$?[\d.,]+\s*[km]?\s+into\b",
            3,
        ),
        (
            r"\bsend\s+(?:me\s+|us\s+)?(?:over\s+)?(?:whatever|anything|what(?:ever)?\s+you\s+(?:have|find|got)|listings)\b|\bwhatever\s+fits\b",
            3,
        ),
        # A deal that fell through sends a buyer back to shopping, not to the coordinator.
        (r"\b(?:cancel(?:led|ed)?|fell\s+out\s+of|lost)\s+(?:our\s+|the\s+|my\s+)?(?:last\s+|previous\s+)?escrow\b", 3),
        (r"\b(?:spend|pay)\s+(?:more\s+than|over|up\s+to)\b|\bno\s+more\s+than\b|\baround\s+\$?\d", 1),
        (
            r"\bbuy(?:ing)?\b|\bpurchas(?:e|ing)\b|\bbusc(?:o|amos|ando)\b|\bcompr(?:ar|a|amos|ando)\b|\bquiero\s+una\s+casa\b",
            2,
        ),
        (
            r"\blooking\s+(?:for|at|to)\b|\bsearching\b|\bin\s+the\s+market\s+for\b|\bhouse\s*hunting\b|\bwant(?:ing)?\s+(?:a|an|to\s+(?:see|tour|find|move))\b|\b(?:want|looking|ready|plan(?:ning)?|hoping|trying)\s+to\s+buy\b|\bneed\s+(?:a|an)\s+(?:home|house|place|condo|\d)",
            2,
        ),
        (
            r"\bpre[- ]?approv\w*|\bpre[- ]?qualif\w*|\bqualify\b|\bfirst[- ]time\b|\bdown\s+payment\b|\bfha\b|\bva\s+loan\b|\bmortgage\s+(?:pre|approval)|\bcredit\b|\bpreaprobad\w*|\benganche\b|\bcr[eé]dito\b",
            2,
        ),
        (
            r"\bfor\s+sale\b|\bstill\s+(?:available|for\s+sale|on\s+the\s+market)\b|\bavailable\b|\bdisponible\b|\bnew\s+listings?\b|\banything\s+new\b|\blistings?\s+in\b|\bhomes?\s+(?:in|near|around|under)\b|\bhouses?\s+(?:in|near|around|under)\b",
            2,
        ),
        (
            r"\b(?:tour|see|view|visit|check\s+out)\s+(?:the|this|that|it|a|some|homes|houses|places)\b|\bshowing\b|\bopen\s+house\b|\bver\s+(?:la|esa|esta)\s+casa\b|\bvisitar\b",
            2,
        ),
        (
            r"\b(?:start|keep|begin)\s+looking\b|\blooking\s+again\b|\b(?:downsize|upsize|move|moving)\s+(?:in)?to\s+an?\b|\banything\s+(?:new\s+)?(?:under|below|around|for)\b|\b(?:something|homes?|houses?|listings?)\s+under\s+\$?\d|\bpay\s+cash\s+for\b|\bwant\s+to\s+pay\b",
            3,
        ),
        (
            r"\bbudget\b|\bunder\s+\$?\d|\bup\s+to\s+\$?\d|\bhasta\s+\$?\d|\bpresupuesto\b|\bmove\s+to\b|\bmoving\s+(?:to|from|here)\b|\brelocat\w*|\bnos\s+mudamos\b",
            1,
        ),
    ),
}

_OWNER = re.compile(r"\b(?:my|our|mi|nuestra)\b")

# On equal scores the more specialised persona wins.
PRECEDENCE = (
    Persona.NEGOTIATION,
    Persona.TRANSACTION,
    Persona.LISTING,
    Persona.MARKET,
    Persona.BUYER,
)

# A message must score at least this much to move a conversation off its current persona.
CLEAR_TOPIC = 3


def persona_scores(text: str) -> dict[Persona, int]:
    text = neutralize(text.lower())
    return {persona: sum(weight for pattern, weight in CUES[persona] if pattern.search(text)) for persona in PRECEDENCE}


def choose_persona(
    text: str, current: Persona | None, has_bedrooms: bool = False, fallback: Persona | None = None
) -> Persona:
    """The persona for this message: sticky across a conversation unless the topic clearly changes;
    `fallback` (else the buyer specialist) when a new lead's text has no cue at all."""
    scores = persona_scores(text)
    if has_bedrooms and not _OWNER.search(text.lower()):
        scores[Persona.BUYER] += 1
    best = max(PRECEDENCE, key=lambda p: (scores[p], -PRECEDENCE.index(p)))
    if current is None:
        return best if scores[best] > 0 else fallback or Persona.BUYER
    if best != current and scores[best] >= CLEAR_TOPIC and scores[best] > scores[current]:
        return best
    return current
