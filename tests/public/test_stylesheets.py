"""Every class a template uses has a rule in static/css, so a new page cannot ship unstyled.

The Content-Security-Policy forbids inline styles: a class without a rule in site.css or staff.css renders
as bare browser defaults (labels run into inputs, errors look like body text).
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
STYLESHEETS = sorted((ROOT / "static" / "css").glob("*.css"))

#: Mail clients never load the site's stylesheets; mail templates are checked by their own tests.
SKIPPED_DIRECTORIES = {"email"}

#: Purely semantic hooks: they name an element for readers and tests, and its look comes from other
#: classes or from the element itself. Adding a class here needs a reason like these.
HOOKS = {
    "staff": "body of staff/base.html; staff.css is only linked from that layout, so no rule needs it",
    "queue-form": "the bulk-action form around the queue table; .queue-table, .table-scroll and .bulk-assign style it",
    "progress-table": "names the home page's progress tables; styled as table.data.stack",
    "feedback-counts": "names the 群众监督 section of problem and measure pages; plain text",
    "field-label": "label of the account forms; styled as every field label is, by .field > label",
    "merged-into": "names the case page's 已并入 line of a duplicate; its <strong> carries the look",
    "original-status": "names the case page's section on the original of a duplicate; heading and dl.facts style it",
    "merge-plan": "names the department merge confirmation's list of what moves; plain headings and lists",
    "open-work": "names the deactivation confirmation's list of open work; plain headings and lists",
    "receipt-tools": "names the print button's section above a letter's 回执; plain heading and button",
    "receipt-query-code": "marks the query code on the 回执 for tests and readers; .receipt-code styles it",
}

CLASS_ATTRIBUTE = re.compile(r"""\bclass_?\s*=\s*(["'])""")
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
CLASS_NAME = re.compile(r"^-?[A-Za-z_][\w-]*$")


def _attribute_value(text: str, start: int, quote: str) -> str:
    """Read an attribute value up to its closing quote; Jinja blocks inside it may hold quotes of their own.

    Expressions ({{ }}) become a NUL, so a class glued to one (flash-{{ category }}) is recognisably partial;
    statements ({% %}) become a space, leaving the literal classes of every branch.
    """
    value, i = [], start
    while i < len(text) and text[i] != quote:
        if text.startswith(("{{", "{%"), i):
            close = "}}" if text[i + 1] == "{" else "%}"
            end = text.index(close, i + 2) + 2
            value.append("\0" if close == "}}" else " ")
            i = end
        else:
            value.append(text[i])
            i += 1
    return "".join(value)


def classes_in_template(text: str) -> set[str]:
    """Literal class names of class="…" attributes and class_='…' arguments to WTForms fields."""
    text = JINJA_COMMENT.sub("", text)
    found = set()
    for match in CLASS_ATTRIBUTE.finditer(text):
        value = _attribute_value(text, match.end(), match.group(1))
        found.update(name for name in value.split() if "\0" not in name and CLASS_NAME.match(name))
    return found


def classes_in_stylesheet(css: str) -> set[str]:
    """Class names that appear in selectors, except inside :not(), which styles everything else."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = set()
    for prelude in re.findall(r"([^{}]+)\{", css):
        if prelude.lstrip().startswith("@"):
            continue
        prelude = re.sub(r":not\([^()]*(?:\([^()]*\)[^()]*)*\)", "", prelude)
        found.update(re.findall(r"\.(-?[A-Za-z_][\w-]*)", prelude))
    return found


def used_classes() -> dict[str, set[str]]:
    """Class name → the templates that use it."""
    used: dict[str, set[str]] = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES)
        if relative.parts[0] in SKIPPED_DIRECTORIES:
            continue
        for name in classes_in_template(path.read_text(encoding="utf-8")):
            used.setdefault(name, set()).add(str(relative))
    return used


def styled_classes() -> set[str]:
    return set().union(*(classes_in_stylesheet(path.read_text(encoding="utf-8")) for path in STYLESHEETS))


def test_every_template_class_has_a_rule():
    styled = styled_classes()
    missing = {name: sorted(where) for name, where in used_classes().items() if name not in styled and name not in HOOKS}
    assert not missing, f"classes without a rule in static/css/*.css (add one, or a documented entry to HOOKS): {missing}"


def test_hooks_are_still_used_and_still_unstyled():
    used, styled = used_classes(), styled_classes()
    assert not set(HOOKS) - set(used), "HOOKS lists classes no template uses any more"
    assert not set(HOOKS) & styled, "HOOKS lists classes that now have a rule; take them off the list"


def test_template_parser_reads_jinja_inside_class_attributes():
    text = """<div class="field{% if error %} field-invalid{% endif %}">
      <p class="flash flash-{{ category }}">{# class="commented" #}
      <tr{% if row.overdue %} class="overdue"{% endif %}>
      <span class="{{ 'a' if x else "b" }} hint">{{ f.label(class_='field-label') }}"""
    assert classes_in_template(text) == {"field", "field-invalid", "flash", "overdue", "hint", "field-label"}


def test_stylesheet_parser_reads_selectors_only():
    css = """/* .commented { } */
    @media (max-width: 40rem) { .stack td::before { content: "a.b"; margin: .5rem; } }
    :is(.field, .fieldset-inline) > label:not(.visually-hidden) { padding: 0 }"""
    assert classes_in_stylesheet(css) == {"stack", "field", "fieldset-inline"}
