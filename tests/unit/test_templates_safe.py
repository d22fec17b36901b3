"""The user's own templates: they override the built-in ones, inside Jinja2's sandbox.

A template from the library's ``templates/`` folder must not reach Python
internals or files, must not be able to fill the memory, and when it is broken the
message names the template file and the line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from clientexit import cli
from clientexit.core import codec, render
from clientexit.core.model import Case, Tone
from clientexit.core.render import TemplateProblem

MakeCase = Callable[[], Case]
SECRET = Path("/etc/hostname")


@pytest.fixture
def templates(tmp_path: Path) -> Iterator[Path]:
    """A library whose own templates are in use; ``templates / "en/warm"`` is the case's tone."""
    library = tmp_path / "library"
    folder = render.user_templates_dir(library)
    (folder / "en" / "warm").mkdir(parents=True)
    render.use_library(library)
    yield folder
    render.use_library(None)


def _letter(folder: Path, body: str | bytes, case: Case) -> str:
    target = folder / "en" / "warm" / "letter.md.j2"
    if isinstance(body, bytes):
        target.write_bytes(body)
    else:
        target.write_text(body, encoding="utf-8")
    return render.render_letter(case)


# --- overriding -------------------------------------------------------------------------


def test_user_template_overrides_the_built_in_one(templates: Path, make_case: MakeCase) -> None:
    case = make_case()
    assert render.template_folder() == templates
    text = _letter(templates, "Dear {{ contact }}, we are done. {{ end_date }}\n", case)
    assert text == "Dear Jordan Blake, we are done. 30 November 2026\n"
    # Only that file: the script still comes from the built-in templates.
    render.use_library(None)
    script = render.render_script(case)
    render.use_library(templates.parent)
    assert render.render_script(case) == script


def test_override_may_extend_the_built_in_base(templates: Path, make_case: MakeCase) -> None:
    body = (
        '{% extends "en/base/letter.md.j2" %}\n'
        "{% block signoff %}Yours, with thanks,{% endblock %}\n"
    )
    text = _letter(templates, body, make_case())
    assert "Yours, with thanks," in text
    assert "Subject:" in text


def test_override_added_or_removed_while_running_is_noticed(
    templates: Path, make_case: MakeCase
) -> None:
    case = make_case()
    built_in = render.render_letter(case)
    assert _letter(templates, "Mine.\n", case) == "Mine.\n"
    (templates / "en" / "warm" / "letter.md.j2").unlink()
    assert render.render_letter(case) == built_in


def test_override_for_one_tone_only(templates: Path, make_case: MakeCase) -> None:
    case = make_case()
    _letter(templates, "Warm and mine.\n", case)
    case.tone.choice = Tone.FIRM
    assert render.render_letter(case) != "Warm and mine.\n"


def test_without_a_library_only_built_in_templates(make_case: MakeCase, tmp_path: Path) -> None:
    render.use_library(None)
    assert render.template_folder() is None
    assert render.render_letter(make_case()).startswith("**Subject:**")


# --- the sandbox ------------------------------------------------------------------------

ATTACKS = [
    # Python internals: from any string to every class the interpreter has loaded.
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "access to attribute '__class__'"),
    ("{{ lipsum.__globals__['os'].listdir('/') }}", "access to attribute '__globals__'"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "access to attribute '__init__'"),
    ("{{ joiner.__init__.__globals__ }}", "access to attribute '__init__'"),
    ("{{ namespace.__init__.__globals__ }}", "access to attribute '__init__'"),
    ("{{ self._TemplateReference__context }}", "access to attribute '_TemplateReference__context'"),
    ("{{ contact|attr('__class__') }}", "access to attribute '__class__'"),
    ("{{ '{0.__class__.__base__}'.format(contact) }}", "access to attribute '__class__'"),
    ("{{ '{x.__class__}'.format_map({'x': contact}) }}", "access to attribute '__class__'"),
    # The view is read-only.
    ("{% set x = work_done.append('pwned') %}", "access to attribute 'append'"),
    ("{{ signature.pop() }}", "access to attribute 'pop'"),
    # Memory: a template cannot build a gigabyte.
    ("{{ 'x' * 1000000000 }}", "the text or list this builds would be too large"),
    ("{{ [1] * 1000000000 }}", "the text or list this builds would be too large"),
    ("{{ 9 ** 99999999 }}", "the number this builds would be too large"),
    ("{% for i in range(10 ** 9) %}{% endfor %}", "Range too big"),
]


@pytest.mark.parametrize(("body", "refused"), ATTACKS)
def test_template_cannot_reach_python_internals(
    templates: Path, make_case: MakeCase, body: str, refused: str
) -> None:
    with pytest.raises(TemplateProblem) as caught:
        _letter(templates, f"Dear {{{{ contact }}}},\n\n{body}\n", make_case())
    problem = caught.value
    assert problem.template == str(templates / "en" / "warm" / "letter.md.j2")
    assert problem.line == 3
    assert refused in problem.message
    assert str(problem).startswith(f"template {problem.template}, line 3: ")


@pytest.mark.parametrize(
    "name",
    [str(SECRET), f"../../../../../../../..{SECRET}", f"..{os.sep}..{os.sep}etc{os.sep}hostname"],
)
def test_template_cannot_read_files(templates: Path, make_case: MakeCase, name: str) -> None:
    for tag in ("include", "import", "extends", "from"):
        body = f"{{% {tag} {name!r} %}}" if tag != "from" else f"{{% from {name!r} import x %}}"
        if tag == "import":
            body = f"{{% import {name!r} as x %}}"
        with pytest.raises(TemplateProblem) as caught:
            _letter(templates, f"Hello\n{body}\n", make_case())
        assert caught.value.message == f"there is no template named {name!r} it could use"
        assert caught.value.line == 2


def test_template_linked_from_outside_is_refused(templates: Path, make_case: MakeCase) -> None:
    target = templates / "en" / "warm" / "letter.md.j2"
    target.symlink_to(SECRET)
    with pytest.raises(TemplateProblem) as caught:
        render.render_letter(make_case())
    assert str(caught.value) == (
        f"template {target}: leads outside the templates folder; copy the file in"
    )


def test_include_of_a_link_to_outside_is_refused(templates: Path, make_case: MakeCase) -> None:
    (templates / "en" / "warm" / "secret.j2").symlink_to(SECRET)
    with pytest.raises(TemplateProblem, match="leads outside the templates folder"):
        _letter(templates, "{% include 'en/warm/secret.j2' %}\n", make_case())


# --- broken templates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("Dear {{ contact }\n", 1, "unexpected '}'"),
        (
            "Dear\n\n{% if contact %}\nno end\n",
            4,
            "Unexpected end of template. Jinja was looking for the following tags: 'elif' or "
            "'else' or 'endif'. The innermost block that needs to be closed is 'if'.",
        ),
        ("one\ntwo\n{{ nothing_like_this }}\n", 3, "'nothing_like_this' is undefined"),
        ("one\n{{ 1 / 0 }}\n", 2, "ZeroDivisionError: division by zero"),
        ("{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n", 1, "calls itself without end"),
        ("one\n{{ contact | no_such_filter }}\n", 2, "No filter named 'no_such_filter'."),
    ],
)
def test_broken_template_names_file_and_line(
    templates: Path, make_case: MakeCase, body: str, line: int, message: str
) -> None:
    with pytest.raises(TemplateProblem) as caught:
        _letter(templates, body, make_case())
    problem = caught.value
    path = templates / "en" / "warm" / "letter.md.j2"
    assert (problem.template, problem.line, problem.message) == (str(path), line, message)
    assert str(problem) == f"template {path}, line {line}: {message}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xfe\x00D\x00e\x00a\x00r", "is not UTF-8 text"),
        (b"x" * (render.MAX_TEMPLATE_BYTES + 1), "is too large to be a template"),
    ],
)
def test_template_that_is_not_a_template(
    templates: Path, make_case: MakeCase, body: bytes, message: str
) -> None:
    with pytest.raises(TemplateProblem) as caught:
        _letter(templates, body, make_case())
    assert str(caught.value) == f"template {templates / 'en/warm/letter.md.j2'}: {message}"


def test_built_in_templates_run_in_the_sandbox_too() -> None:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    render.use_library(None)
    assert isinstance(render._env(), ImmutableSandboxedEnvironment)


# --- the command line -------------------------------------------------------------------


@pytest.fixture
def case_file(tmp_path: Path, make_case: MakeCase) -> Path:
    path = tmp_path / "acme.toml"
    path.write_text(codec.dumps(make_case()), encoding="utf-8")
    return path


def test_export_uses_the_librarys_templates(
    templates: Path, case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (templates / "en" / "warm" / "letter.md.j2").write_text("Mine, {{ contact }}.\n")
    code = cli.main(["export", str(case_file), "--what", "letter", "--home", str(templates.parent)])
    out, err = capsys.readouterr()
    assert (code, out, err) == (0, "Mine, Jordan Blake.\n", "")


def test_export_with_a_broken_template_is_a_clear_error(
    templates: Path, case_file: Path, tmp_path: Path
) -> None:
    path = templates / "en" / "warm" / "letter.md.j2"
    path.write_text("Hello\n{{ ''.__class__ }}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "clientexit", "export", str(case_file), "--what", "letter"],
        env={**os.environ, "CLIENTEXIT_HOME": str(templates.parent)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"clientexit: template {path}, line 2: not allowed in a template: "
        "access to attribute '__class__' of 'str' object is unsafe.\n"
    )
    assert "Traceback" not in done.stderr


def test_show_with_a_broken_template_keeps_working(
    templates: Path, case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (templates / "en" / "warm" / "letter.md.j2").write_text("{% if %}\n", encoding="utf-8")
    code = cli.main(["show", str(case_file), "--home", str(templates.parent)])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "A template is broken, so the texts cannot be made or checked" in " ".join(out.split())
