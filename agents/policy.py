"""Jorge's escalation policy (DESIGN.md, "Escalation policy"): every reason that applies.

Each reason is a handful of patterns over the lead's words in English and Spanish. They name
kinds of request ("talk to a person", "counter or accept", "is it legal"), not known sentences,
so a new wording of the same request still escalates.
"""

from __future__ import annotations

import re

from agents.phrases import COUNTER_DECISION, DISCLOSURE_QUESTION, FEE_QUESTION, MARKET_TALK_OVER_ASKING, neutralize
from agents.types import Reason

HIGH_VALUE_PRICE = 1_000_000


def _any(*patterns: str) -> re.Pattern[str]:
    # Patterns are lowercase and run on lowercased text: several times faster than IGNORECASE.
    return re.compile("|".join(f"(?:{p})" for p in patterns))


HUMAN_REQUESTED = _any(
    r"\b(?:speak|talk|chat|meet)(?:ing)?\s+(?:with|to)\s+(?:jorge|a\s+(?:real\s+|live\s+)?(?:person|human|agent|realtor|broker|someone)|someone|somebody|an?\s+(?:agent|realtor|broker|human)|(?:your|the)\s+(?:boss|manager|broker|agent|owner|team)|him|you\s+(?:in person|directly|live))",
    r"\b(?:real|actual|live)\s+(?:person|human|agent|people)\b",
    r"\bare\s+(?:you|u|this)\s+(?:a\s+)?(?:bot|robot|human|real|ai|machine|automated)\b",
    r"\b(?:human|person)\s+please\b|\bnot\s+(?:a\s+)?(?:bot|robot)\b",
    r"\bcall\s+(?:me|us|my\s+cell|him)\b|\bgive\s+(?:me|us)\s+a\s+(?:call|ring)\b|\bcall\s*back\b|\bcallback\b",
    r"\ba\s+call\s+from\b|\b(?:get|want|need|like|request|schedule|arrange)\s+a\s+(?:quick\s+)?(?:call|phone\s+call|meeting)\b",
    r"\b(?:phone|quick|video|zoom)\s+call\b|\b(?:hop|jump|get)\s+on\s+a\s+call\b|\b(?:set\s+up|schedule|book)\s+a\s+(?:call|meeting|consultation|time\s+to\s+talk)\b",
    r"\b(?:can|could|would|will)\s+(?:you|someone|somebody|jorge|he|an\s+agent)\s+(?:please\s+)?(?:call|phone|ring|contact|reach)\b",
    r"\b(?:have|get)\s+(?:someone|somebody|jorge|an\s+agent|a\s+person)\s+(?:to\s+)?(?:call|contact|reach|text)\b",
    r"\bjorge\b[^.?!]{0,30}\b(?:call|contact|reach\s+out|meet|talk|speak|get\s+back|visit|walk|show|tour|join)\b|\bjorge\s+(?:himself|personally|in\s+person)\b|\b(?:you|jorge|someone|somebody|he|an?\s+agent)\s+(?:\w+\s+)?(?:swing|drop|stop|come)\s+(?:by|over|out)\b",
    r"\b(?:your|ur|jorge'?s|his|a)\s+(?:real|actual|personal|direct)\s+(?:number|phone|cell|line)\b|\bhear\s+(?:a\s+)?(?:real\s+)?(?:voice|human|person)\b",
    r"\b(?:call|contact|meet|see|talk\s+to|speak\s+to|reach)\s+jorge\b",
    r"\bmeeting\b|\bmeet\s+(?:up|in\s+person|with\s+you|you|jorge|at\s+(?:your|the)\s+office)\b|\bin[- ]person\b|\bsit\s+down\s+with\b|\bconsultation\b",
    r"\bpersona\s+de\s+verdad\b|\bno\s+(?:con\s+)?un\s+robot\b|\b(?:me|nos)\s+(?:puede|pueden|podr[ií]a|podr[ií]an)\s+(?:marcar|hablar)\b|\bm[aá]rqu(?:e|en)me\b|\bmarcarme\b",
    r"\bque\s+(?:(?:jorge|alguien|el|usted|ustedes|un\s+agente|una\s+persona)\s+)?(?:me|nos)\s+(?:llame|llamen|marque|marquen)\b"
    r"|\bque\s+(?:jorge|alguien|un\s+agente|una\s+persona)\s+(?:me|nos)\s+(?:hable|contacte)\b",  # "quiero que Jorge me llame"
    r"\bhablar\s+con\b|\bll[aá]m(?:e|a|en)me\b|\bll[aá]menos\b|\b(?:me|nos)\s+(?:puede|pueden|podr[ií]a|podr[ií]an)\s+llamar\b|\bllamada\b|\breuni[oó]n\b|\breunirnos\b|\bcita\s+con\b|\bpersona\s+real\b|\beres\s+(?:un\s+)?(?:robot|bot|humano|persona)\b",
)

NEGOTIATION = _any(
    FEE_QUESTION,
    COUNTER_DECISION,
    r"\bcommissions?\b|\bcomisi[oó]n(?:es)?\b|\bcomision\b|\bcobr(?:an|a|as|ar|aría|arían|aria|arian|en)\b|\b(?:take|charge|do\s+it\s+for)\s+\d(?:\.\d+)?\s*%",
    r"\b\d(?:\.\d+)?\s*%\s*(?:agent|commission|fee|listing|broker|realtor)|\b(?:take|charge|do\s+it\s+for|accept|go|work\s+for)\s+(?:less\s+than|lower\s+than|under|for)?\s*\d(?:\.\d+)?\s*%",
    r"\b(?:your|ur|yer|the|listing|agent|broker|realtor|buyer'?s?|seller'?s?|y'?all'?s?)\s+(?:\w+\s+)?fees?\b|\bfees?\s+(?:do\s+you|you)\b|\bflat\s+fee\b",
    r"\bwhat\s+do\s+(?:you|u|y'?all)\s+charge\b|\bhow\s+much\s+do\s+(?:you|u|y'?all)\s+(?:charge|take|get|make)\b|\b(?:your|ur)\s+(?:rates?|cut|percentage)\b|\bwhat\s+percent(?:age)?\b",
    r"\bcounter(?:[- ]?offer)?(?:s|ed|ing)?\b|\bcontra\s*ofert\w*|\bofert\w*|\bofrec(?:er|ieron|imos|emos)\b",
    r"\b(?:an?|the|our|their|my|his|her|this|that|best|first|highest|cash|written|backup|back-up|full[- ]price|lowball|verbal|\d+|two|three|four|five|several|multiple|competing|un|una|el|la|nuestra|nuestro)\s+(?:[\w$.,]+\s+)?offers?\b|\bput\s+in\s+(?:an?\s+offer|\$?\d)",
    r"\b(?:drop|skip|give\s+up|waive|remove)\s+(?:our|the|my|all|any)?\s*(?:\w+\s+)?contingenc\w*\s+(?:to|so|and|if)|\bdrop\s+(?:our|the|my)\s+(?:\w+\s+)?contingenc|\bno\s+contingencies\b|\brent[- ]?backs?\b|\bpush\s+back\b(?!\s+(?:the\s+)?(?:closing|close|date))|\b(?:sellers?|buyers?|listing\s+agent|they)\s+(?:want|wants|asked|are\s+asking|is\s+asking|requested)\s+(?:a|an|us|for|to)\b",
    r"\boffers?\s+(?:at|of|for|on|came|was|were|is|are|price|deadline|in)\b|\boffered\b|\bmake\s+(?:an\s+)?offer\b|\bsubmit(?:ted)?\s+(?:an?\s+|our\s+)?offer\b",
    r"\bconcessions?\b|\b(?:seller|closing(?:[- ]cost)?|repair|buyer|lender)\s+credits?\b|\bcredits?\s+(?:for|toward|towards|back|at\s+closing)\b|\bask\s+for\s+(?:a\s+|an\s+)?(?:[\w$.,]+\s+)?credits?\b|\b\$?\d+(?:\.\d+)?k?\s+(?:credit|concession)\b",
    r"\bbaj(?:e|en|ar)\s+(?:el\s+)?precio\b|\bpedir(?:le|les)?\s+que\b|\b(?:apprais\w*)\s+(?:gap|came\s+(?:in\s+)?(?:\S+\s+)?low|(?:is|was)\s+low)|\bcover\s+the\s+gap\b|\bcovers?\s+the\s+(?:appraisal\s+)?gap\b|\bcame\s+in\s+(?:\S+\s+)?(?:low|under|short|below)\b",
    r"\bsellers?\s+(?:to\s+)?(?:pay|cover|fix|repair|credit|contribute)\b|\b(?:ask|get|make|have)\s+(?:the\s+)?(?:sellers?|buyers?|owners?)\s+(?:to\s+)?(?:pay|cover|fix|repair|lower|drop|come\s+down)\b|\bbuyers?\s+(?:to\s+)?(?:pay|cover)\s+(?:for|the|closing)\b",
    r"\bask(?:ing)?\s+(?:the\s+)?(?:sellers?|buyers?|owners?|them|him|her|listing\s+agent)\s+(?:to\s+(?:replace|fix|repair|pay|cover|credit|lower|drop|reduce|include|leave|come\s+down|contribute|extend)|for\s+(?:a\s+|an?\s+|\$)?)",
    r"\b(?:buyers?|sellers?)\s+(?:wants?|asked|asking|requested|is\s+asking|are\s+asking)\s+(?:us|me|for)\b|\b(?:cover|pay|contribute)\s+(?:for\s+)?(?:\d+\s*%\s+of\s+|some\s+of\s+|part\s+of\s+|half\s+of\s+)?(?:their|the\s+buyer'?s|the\s+seller'?s|his|her)\s+closing\s+costs\b",
    r"\bpedir(?:le|les)?\s+al\s+(?:vendedor|comprador|due[ñn]o)|\b(?:vendedor|comprador)\w*\s+(?:que\s+)?pague",
    r"\bwaiv(?:e|ing|ed)\b|\brenegotiat|\bnegotiat|\bnegociar\b|\bnegociaci[oó]n\b",
    r"\b(?:lower|drop|reduce|cut)\s+(?:the|their|his|her|its)\s+(?:price|asking)\b|\bcome\s+down\s+on\s+(?:the\s+)?price\b|\bbajar\s+(?:el\s+)?precio\b|\brebaja\b",
    r"\bbest\s+and\s+final\b|\bhighest\s+and\s+best\b|\bmultiple\s+offers\b|\bbidding\s+war\b|\b(?:offer\w*|pay|paying|go|going|bid\w*|come\s+in|counter\w*)\s+(?:\S+\s+){0,2}(?:over|under|above|below)\s+(?:the\s+)?(?:asking|list)(?:\s+price)?\b|\bescalation\s+clause\b|\blowball",
    r"\baccept\s+(?:the|their|an|this|that|his|her)?\s*(?:offer|counter|price)\b|\bshould\s+(?:we|i)\s+accept\b|\bcounter\s+or\s+accept\b|\btake\s+(?:their|the|that|this)\s+offer\b",
    r"\brepair\s+requests?\b|\brequest(?:ing)?\s+repairs\b|\bask\s+for\s+repairs\b",
)

COMPLIANCE = _any(
    # legal and tax advice
    r"\blegal(?:ly)?\b|\billegal\b|\blawyer\b|\battorney\b|\bsue\b|\bsuing\b|\blawsuit\b|\blitigation\b|\bis\s+it\s+against\s+the\s+law\b|\babogad[oa]\b|\bdemandar\b",
    r"\bcapital\s+gains?\b|\b1031\b|\bwrite[- ]?off\s+(?:the|my|our|it|this|that)\b|\bdeduct(?:ible|ion|ions)?\b|\birs\b|\btaxed\b|\btax\s+(?:advice|implications?|consequences?|benefits?|break|purposes|credit|hit|liabilit\w*|exempt\w*|questions?|situation|strategy|wise|reassessment|basis|deferral)\b|\b(?:pay|owe|avoid|save\s+on|reduce|lower)\s+(?:\w+\s+)?tax(?:es)?\b|\btaxes\s+(?:on|if|when)\b|\bprop(?:osition)?\s*1[39]\b|\bimpuestos?\b(?!\s+y\s+seguro)",
    r"\b(?:need|have|tenemos|necesitamos|required)\s+(?:\w+\s+){0,3}(?:probate|sucesi[oó]n)\b|\b(?:pasar|go)\s+(?:por|through)\s+(?:el\s+|a\s+)?probate\b|\bprobate\s+(?:process|court|attorney|required|needed)\b|\btestamento\b",
    # disclosures and evictions
    DISCLOSURE_QUESTION,
    r"\b(?:negros|blancos|morenos|asi[aá]ticos|gringos|hispanos|latinos|mexicanos|inmigrantes|ind[ií]genas)\b",
    r"\bpeople\s+like\s+us\b|\bour\s+(?:own\s+)?kind\b|\bgente\s+como\s+nosotros\b|\bcat[oó]lic[oa]s?\b|\bcristian[oa]s?\b|\bjud[ií]os?\b|\bmusulman[ae]s?\b",
    r"\b(?:have|need|required|obligated)\s+to\s+(?:tell|inform|let\s+know|mention)\s+(?:the\s+)?(?:buyers?|them|anyone)\b|\btell\s+(?:the\s+)?buyers?\s+about\b|\bdisclos(?:e|ed|ing|ure|ures)\b|\bdivulgar\b|\brevelar\b|\b(?:died|death|muri[oó]|falleci[oó])\b[^.?!]{0,30}\b(?:in|inside|at|en)\s+(?:the|this|that|my|our|la|el|esa|esta)\s+(?:house|home|property|place|unit|bedroom|casa|propiedad)\b|\bmurder(?:ed)?\b|\bsuicide\b|\bhaunted\b",
    r"\b(?:get|kick|force|throw)\s+(?:him|her|them|(?:my|our|the)\s+(?:tenants?|renters?))\s+out\b|\btenants?\b[^.?!]{0,60}\b(?:behind\s+on|not\s+paying|stopped\s+paying|won'?t\s+pay|hasn'?t\s+paid)\b|\bsacar\s+(?:al|a\s+los|a\s+mis?)\s+inquilin|\binquilin\w*\b[^.?!]{0,60}\bno\s+(?:paga|ha\s+pagado|quiere\s+(?:salir|irse))\b",
    r"\bevict(?:ion|ions|ed|ing)?\b|\bdesalo(?:jo|jar)\b|\bkick\s+(?:out\s+)?(?:the|my|our)\s+tenants?\b|\btenants?\s+(?:won'?t|refuse\s+to)\s+leave\b|\bsquatters?\b",
    # protected classes (Fair Housing)
    r"\brac(?:e|es|ial|ially)\b|\bethnic(?:ity|ally)?\b|\breligio(?:n|us)\b|\bchurch(?:es)?\b|\bmosques?\b|\bsynagogues?\b|\bchristians?\b|\bmuslims?\b|\bjewish\b|\bjews\b|\bcatholics?\b|\bhindus?\b|\bsikhs?\b|\bmormons?\b",
    r"\b(?:asian|hispanic|latin[oa]|mexican|chinese|korean|filipino|vietnamese|arab|african[- ]american|caucasian)\b|\b(?:neighbou?rs?|neighbou?rhood|area|community|people)\s+(?:are|is|who\s+are|that\s+are)\s+(?:not\s+|mostly\s+|all\s+)?(?:white|black|brown)\b",
    r"\bde\s+otros?\s+pa[ií]s(?:es)?\b|\bextranjer\w*|\bnacionalidad\b|\braza\b|\breligi[oó]n\b|\b(?:from|of)\s+(?:another|other)\s+countr(?:y|ies)\b|\bforeign(?:ers|\s+buyers?)\b",
    r"\b(?:male|female|men|women|straight)\s+(?:buyers?|tenants?|renters?|only|roommates?)\b|\bonly\s+(?:to\s+)?(?:men|women|males|females|a\s+man|a\s+woman)\b|\bgender\b",
    r"\bimmigrants?\b|\bimmigration\b|\bnational\s+origin\b|\billegals\b|\bforeigners\b|\bhispanics?\b|\blatin[oa]s?\b|\bmexicans\b|\basians\b|\bblacks\b|\bwhites\b|\b(?:black|white|asian|hispanic|latino|mexican|chinese|indian|arab)\s+(?:people|famil(?:y|ies)|neighbou?rhoods?|areas?|community|communities|buyers?|tenants?|folks)\b|\binmigrantes?\b|\bextranjeros\b",
    r"\b(?:no|without|fewer|less|many|lots\s+of|a\s+lot\s+of|full\s+of|refuse|avoid|don'?t\s+want|hate)\s+(?:\w+\s+)?(?:kids|children|families|babies|teenagers)\b|\b(?:buyers?|tenants?|renters?|people|neighbou?rs?|couples?|families)\s+with\s+(?:\w+\s+)?(?:kids|children|babies)\b|\bfamilial\s+status\b|\bfamily[- ]friendly\b|\b(?:good|safe|best|right)\s+for\s+(?:my|our)\s+(?:kids|children|family)\b|\bgood\s+(?:area|neighbou?rhood|place|city|town|fit)\s+for\s+(?:a\s+|an\s+)?(?:young\s+|old\s+|older\s+|single\s+|retired\s+|elderly\s+|gay\s+|big\s+)?(?:couples?|famil(?:y|ies)|kids|children|singles?|retirees|seniors|people\s+like\s+us|women|men)\b|\badults?\s+only\b|\bpregnan(?:t|cy)\b|\bsin\s+niños\b|\bsin\s+ninos\b",
    r"\bwhat\s+(?:kind|type|sort)s?\s+of\s+(?:people|families|folks|neighbou?rs|crowd|residents)\b|\bdemographics?\b|\bqu[eé]\s+tipo\s+de\s+(?:gente|personas|familias|vecinos)\b",
    r"\bdisab(?:led|ility|ilities)\b|\bhandicap(?:ped)?\b|\bwheelchair\b|\bsection\s*8\b|\bservice\s+(?:dog|animal)\b|\bemotional\s+support\b|\bdiscapacit",
    r"\b(?:no\s+quiero|no\s+queremos|sin|nada\s+de)\s+(?:\w+\s+)?(?:familias|ni[nñ]os|ni[nñ]as|beb[eé]s|ancianos|viejitos|personas\s+mayores)\b",
    r"\bgay\b|\blesbian\b|\blgbt\w*\b|\btransgender\b|\bsexual\s+orientation\b|\bsingle\s+(?:moms?|mothers|women|men)\b|\bold\s+people\b|\bseniors?\s+only\b|\bdiscriminat",
    # rule-breaking: prompt injection, guarantees, other people's data
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|your\s+|the\s+|previous\s+|prior\s+|above\s+|my\s+|these\s+)*(?:instructions|rules|prompts?|guidelines|programming|policies|policy|restrictions)\b",
    r"\bsystem\s+prompt\b|\byou\s+are\s+now\b|\bact\s+as\s+(?:a|an|if)\b|\bpretend\s+(?:to\s+be|you)\b|\bjailbreak\b|\bdeveloper\s+mode\b|\bnew\s+instructions\b|\breveal\s+your\b|\b(?:olvida|ignora)\s+(?:tus|las|todas)\b",
    r"\bguarantee[ds]?\b|\bpromise\s+(?:me|us|that|it)\b|\b100\s*%\s+(?:sure|certain)\b|\bgarantiz|\bme\s+promete",
    r"\b(?:other|another|previous|past|your)\s+clients?\b|\bsend\s+me\s+(?:their|his|her)\b|\b(?:other|another|previous|your\s+other)\s+(?:clients?|buyers?|sellers?|leads?|bidders?|customers?)(?:'s?)?\s+(?:info|information|data|names?|numbers?|phones?|address(?:es)?|offers?|emails?|details|contact)\b|\bwho\s+else\s+(?:is|has|made|put)\b|\bwhat\s+(?:did|are)\s+the\s+other\s+(?:buyers?|offers?|bidders?|people|folks|families)\b|\bnames\s+too\b",
    r"\bwho\s+else\b[^.?!]{0,40}\b(?:texting|texted|contacting|contacted|calling|called)\b|\bneighbou?r'?s?\b.{0,100}\b(?:bottom\s+line|lowest\s+price|why\s+(?:are\s+)?they)",
    r"\b(?:jorge'?s|his|her|the\s+seller'?s|the\s+owner'?s|the\s+buyer'?s|your)\s+(?:home|personal|private|cell)\s+(?:address|phone|number|email)\b|\b(?:list|names|numbers)\s+of\s+(?:your\s+)?(?:clients|buyers|leads|customers)\b",
)

UNHAPPY_CLIENT = _any(
    r"\byou\s+people\b|\b(?:\d+(?:st|nd|rd|th)|third|fourth|fifth|another)\s+(?:text|message)s?\s+from\s+(?:you|this)",
    r"\bfrustrat\w*|\bangry\b|\bupset\b|\bfurious\b|\bpissed\b|\bmad\s+(?:at|about)\b|\bdisappoint\w*|\bunhappy\b|\bnot\s+(?:happy|satisfied|pleased)\b|\bdissatisfied\b",
    r"\bunacceptable\b|\bunprofessional\b|\bincompetent\b|\buseless\b|\bridiculous\b|\bwaste\s+of\s+(?:my\s+|our\s+)?time\b|\bfed\s+up\b|\bsick\s+(?:and\s+tired\s+)?of\b|\btired\s+of\s+waiting\b|\bhad\s+enough\b",
    r"\b(?:terrible|horrible|awful|worst|bad|poor|lousy)\s+(?:service|experience|communication|job|agent|team|help)\b|\byou(?:'re|\s+are|\s+guys\s+are)\s+(?:terrible|horrible|awful|the\s+worst|useless|a\s+joke)\b",
    r"\b(?:nobody|no\s+one|noone|no-one)\s+(?:has\s+|ever\s+|even\s+)?(?:answer|respond|call|got\s+back|gets\s+back|return|repl|reach|help|follow|contact)\w*",
    r"\b(?:third|second|fourth|fifth|\d+(?:st|nd|rd|th))\s+time\s+(?:i'?m\s+|i\s+am\s+|we'?re\s+|i'?ve\s+|we'?ve\s+)?(?:asking|asked|calling|called|texting|texted|requesting)\b|\bdoes\s+anyone\s+(?:over\s+there\s+)?(?:actually\s+|even\s+)?(?:read|care|work|answer|listen)\b|\bkeep\s+(?:asking|calling|texting)\b|\b(?:zero|no|not\s+one|not\s+a\s+single)\s+(?:offers|showings|calls|interest)\b[^?]*\b(?:great|nice|brilliant|impressive|wonderful|fantastic)\b|\bthanks\s+for\s+nothing\b|\breally\s+impressive\b",
    r"\bnever\s+(?:heard\s+back|got\s+back|called\s+(?:me\s+)?back|respond\w*|answer\w*|replied)\b|\bhaven'?t\s+heard\s+(?:back|from|anything)\b|\bstill\s+(?:no\s+(?:answer|response|reply|call)|waiting\s+(?:for|on)\s+(?:a|an|your|someone))\b|\bno\s+(?:response|reply|answer)\s+(?:from|yet|to)\b|\bignor(?:ed|ing)\s+(?:me|us|my|our)\b",
    r"\bnos\s+vamos\s+con\s+otr[oa]\b|\botra\s+(?:agencia|compa[ñn][ií]a|inmobiliaria)\b|\bsi\s+no\s+hacen\s+algo\b",
    r"\b(?:picked|chose|hired|choosing|picking)\s+the\s+(?:right|wrong)\s+(?:agent|realtor|team|broker)\b|\bwrong\s+(?:agent|realtor|team)\b",
    r"\b(?:fire|firing|fired|dump|dumping)\s+(?:you|y'?all|your)\b|\bswitch(?:ing)?\s+(?:to\s+(?:another|a\s+different|a\s+new)\s+)?(?:agents?|realtors?|brokers?|brokerages?)\b|\b(?:find|get|hire|go\s+with|going\s+with|went\s+with|use|try)\s+(?:another|a\s+different|a\s+new|a\s+better)\s+(?:agent|realtor|broker|team|company)\b|\b(?:go|going|went)\s+with\s+(?:another|a\s+different|someone\s+else|a\s+new)\b",
    r"\bcancel\s+(?:the|our|my|this)\s+(?:listing|contract|agreement)\b|\bcomplain\w*|\bcomplaint\b|\blost\s+(?:all\s+)?(?:trust|faith|confidence)\b|\bfed\s+up\b",
    r"\bmolest[oa]s?\b|\benojad[oa]s?\b|\bdecepcionad[oa]s?\b|\bfrustrad[oa]s?\b|\bnadie\s+(?:me\s+|nos\s+)?(?:ha\s+)?(?:contest|respond|llam|ayud)\w*|\bp[ée]sim[oa]\b|\botro\s+agente\b|\bcancelar\s+(?:el|mi|nuestro)\s+contrato\b|\bqueja\b|\bno\s+estoy\s+content[oa]\b|\bno\s+(?:me|nos)\s+(?:han\s+)?(?:contestado|respondido|llamado)\b",
)

_PATTERNS = (
    (Reason.HUMAN_REQUESTED, HUMAN_REQUESTED),
    (Reason.NEGOTIATION, NEGOTIATION),
    (Reason.COMPLIANCE, COMPLIANCE),
    (Reason.UNHAPPY_CLIENT, UNHAPPY_CLIENT),
)

# Besides agents/phrases.py: a "Closing Disclosure" is a loan document, not a seller's disclosure;
# "homes go over asking" and "bidding wars in Fontana" are market talk.
_NEUTRAL = re.compile(
    rf"\bclosing\s+disclosures?\b|{MARKET_TALK_OVER_ASKING}|\bbidding\s+wars?\s+(?:in|around|are|is)\b"
)
# Saying the team is doing well is not an unhappy client, whatever the market is doing.
_SATISFIED = re.compile(r"\b(?:happy|pleased|satisfied)\s+with\s+(?:you|how\s+you|your|the\s+team|jorge)\b")


def escalation_reasons(text: str, price: int | None) -> list[Reason]:
    """Every policy reason the message (and the lead's known price) triggers, in policy order."""
    probe = _NEUTRAL.sub(" ", neutralize(text.lower()))
    reasons = [reason for reason, pattern in _PATTERNS if pattern.search(probe)]
    if Reason.UNHAPPY_CLIENT in reasons and _SATISFIED.search(probe):
        reasons.remove(Reason.UNHAPPY_CLIENT)
    if price is not None and price >= HIGH_VALUE_PRICE:
        reasons.append(Reason.HIGH_VALUE)
    return reasons
