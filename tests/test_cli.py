"""cli.py and build.py: `newsarchive build` end to end, its exit codes and what it leaves on disk."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
from dataclasses import fields

import pytest

from newsarchive.config import Config

GOOD = {
    "2024-05-01-harbour-wall.txt": (
        "---\ndate: 2024-05-01\ntags: [council]\n---\nCouncil approves harbour wall\n\n"
        "Councillors voted on Tuesday to approve the new harbour wall.\n\nWork starts in the spring.\n"
    ),
    "library.md": (
        "---\ndate: 2023-02-10\nstandfirst: The doors opened at nine.\n---\n# Library reopens after restoration\n\n"
        "Several hundred people queued before the doors opened.\n\n## A new reading room\n\nIt opens next month.\n"
    ),
    "ferry.txt": "Ferry returns to winter timetable\nPublished: 3 March 2022\n"
    "The harbour ferry will switch to its winter timetable a fortnight early.\n",
}
BROKEN = {
    "bad-key.txt": "---\ndate: 2024-01-01\nheadlin: Oops\n---\nHeadline here\n\nBody.\n",
    "bad-yaml.txt": "---\ndate: 2024-01-01\ntags: a: b\n---\nHeadline here\n\nBody.\n",
    "no-body.txt": "Only a headline\n",
}
NOTICE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<message>.+)$")


def _pages_with_headline(site, headline, parse_html):
    found = []
    for page in sorted(site.rglob("*.html")):
        h1s = [h.text() for h in parse_html(page.read_bytes()).find_all("h1")]
        if headline in h1s:
            found.append(page)
    return found


def _build_args(tmp_path, content="content", output="site"):
    return ["build", "--content", tmp_path / content, "--output", tmp_path / output]


def test_build_end_to_end(cli, tmp_path, monkeypatch, site_tree, html_tree):
    monkeypatch.chdir(tmp_path)
    site_tree(GOOD)
    result = cli(*_build_args(tmp_path))
    assert result.code == 0, result.err
    site = tmp_path / "site"
    assert (site / "index.html").is_file()
    assert (site / "feed.xml").is_file()
    assert (site / "static" / "style.css").is_file()
    assert (site / "static" / "style.css").stat().st_size > 0
    for headline in ("Council approves harbour wall", "Library reopens after restoration"):
        pages = [
            p for p in _pages_with_headline(site, headline, html_tree) if p.name == "index.html" and p.parent != site
        ]
        assert len(pages) == 1, f"one article page for {headline!r}: {pages}"
    # Standard output is not a terminal here, so a build that went well prints nothing (see -v).
    assert result.out == ""
    assert result.err == ""


def test_build_reports_every_content_error_and_exits_1(cli, tmp_path, monkeypatch, site_tree):
    monkeypatch.chdir(tmp_path)
    more = {
        "binary.txt": b"Headline\nBody\n\x00\x01\x02\n",
        "with-sidecar.txt": "Sidecar story\n\nBody of the sidecar story.\n",
        "with-sidecar.yaml": "date: 2024-01-01\ntgs: [x]\n",
    }
    content = site_tree({**GOOD, **BROKEN, **more})
    result = cli(*_build_args(tmp_path))
    assert result.code == 1
    assert "Traceback" not in result.err
    notices = [m for line in result.err.splitlines() if (m := NOTICE.match(line))]
    reported = {m["path"]: int(m["line"]) for m in notices}
    assert reported == {
        str(content / "bad-key.txt"): 3,
        str(content / "bad-yaml.txt"): 3,
        str(content / "no-body.txt"): 1,
        str(content / "binary.txt"): 3,
        str(content / "with-sidecar.yaml"): 2,
    }
    assert all(m["message"].strip() for m in notices)
    assert not (tmp_path / "site").exists(), "nothing may be written when the build fails"


def test_content_error_as_a_real_program_has_no_traceback(run_process, tmp_path, site_tree):
    site_tree({"bad.txt": "---\ndate: 2024-01-01\nheadlin: Oops\n---\nHeadline\n\nBody.\n"})
    result = run_process("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"^content/bad\.txt:3: .*did you mean 'headline'", result.stderr, re.M), result.stderr
    assert not (tmp_path / "site").exists()


def test_bad_flag_is_a_usage_error(cli, tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        cli("build", "--no-such-flag")
    assert caught.value.code == 2
    assert "--no-such-flag" in capsys.readouterr().err


def test_missing_command_is_a_usage_error(cli):
    with pytest.raises(SystemExit) as caught:
        cli()
    assert caught.value.code == 2


def test_missing_config_file_is_a_usage_error(cli, tmp_path, monkeypatch, site_tree):
    monkeypatch.chdir(tmp_path)
    site_tree(GOOD)
    result = cli(*_build_args(tmp_path), "--config", tmp_path / "nope.yaml")
    assert result.code == 2
    assert "nope.yaml" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("config", "expected_line", "words"),
    [
        ("title: Harbour Gazette\nper_pag: 5\n", 2, ["per_pag", "did you mean 'per_page'"]),
        ("site_url: not-a-url\n", 1, ["site_url"]),
        ("per_page: 0\n", 1, ["per_page"]),
        ("boilerplate: ['(unclosed']\n", 1, ["boilerplate"]),
        ("title: [unclosed\n", None, ["YAML"]),
    ],
    ids=["unknown-key", "bad-url", "zero", "bad-regex", "bad-yaml"],
)
def test_bad_config_is_a_usage_error(cli, tmp_path, monkeypatch, config, expected_line, words, site_tree):
    monkeypatch.chdir(tmp_path)
    site_tree(GOOD)
    (tmp_path / "newsarchive.yaml").write_text(config, encoding="utf-8")
    result = cli(*_build_args(tmp_path), "--config", tmp_path / "newsarchive.yaml")
    assert result.code == 2
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err
    if expected_line is not None:
        assert f"newsarchive.yaml:{expected_line}:" in result.err
    assert not (tmp_path / "site").exists()


def test_config_value_that_looks_like_an_impossible_date_does_not_crash(run_process, tmp_path, site_tree):
    # YAML would read an unquoted 2015-02-30 as a timestamp that cannot be built. Either it is taken as
    # the text it is, or it is reported against the config file; it never crashes.
    site_tree(GOOD)
    (tmp_path / "newsarchive.yaml").write_text("title: 2015-02-30\n", encoding="utf-8")
    result = run_process("build", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 2), result.stderr
    if result.returncode == 0:
        assert "2015-02-30" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    else:
        assert "newsarchive.yaml" in result.stderr


def test_impossible_front_matter_date_is_a_content_error(run_process, tmp_path, site_tree):
    site_tree({**GOOD, "bad-date.txt": "---\ndate: 2015-02-30\n---\nHeadline\n\nBody.\n"})
    result = run_process("build", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(r"^content/bad-date\.txt:2: ", result.stderr, re.M), result.stderr


def test_missing_content_folder(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(*_build_args(tmp_path, content="nowhere"))
    assert result.code == 1
    assert "nowhere" in result.err
    assert "content folder" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "site").exists()


def test_failed_build_leaves_the_previous_site_intact(cli, tmp_path, monkeypatch, site_tree, tree_bytes):
    monkeypatch.chdir(tmp_path)
    site_tree(GOOD)
    assert cli(*_build_args(tmp_path)).code == 0
    before = tree_bytes(tmp_path / "site")
    siblings = sorted(p.name for p in tmp_path.iterdir())
    # A later edit changes one good article and breaks another file: nothing of it may reach site/.
    site_tree({"ferry.txt": GOOD["ferry.txt"].replace("fortnight", "month"), **BROKEN})
    result = cli(*_build_args(tmp_path))
    assert result.code == 1
    assert tree_bytes(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings


def test_keep_going_publishes_the_good_and_lists_the_skipped(cli, tmp_path, monkeypatch, site_tree, html_tree):
    monkeypatch.chdir(tmp_path)
    content = site_tree({**GOOD, **BROKEN})
    result = cli(*_build_args(tmp_path), "--keep-going")
    assert result.code == 1
    assert "Traceback" not in result.err
    for name in BROKEN:
        assert any(str(content / name) in line for line in result.err.splitlines() if "skipped" in line), name
    site = tmp_path / "site"
    assert (site / "index.html").is_file()
    assert (site / "feed.xml").is_file()
    for headline in (
        "Council approves harbour wall",
        "Library reopens after restoration",
        "Ferry returns to winter timetable",
    ):
        assert _pages_with_headline(site, headline, html_tree), headline
    assert not _pages_with_headline(site, "Headline here", html_tree)
    assert not _pages_with_headline(site, "Only a headline", html_tree)


def test_keep_going_without_problems_exits_0(cli, tmp_path, monkeypatch, site_tree):
    monkeypatch.chdir(tmp_path)
    site_tree(GOOD)
    result = cli(*_build_args(tmp_path), "--keep-going")
    assert result.code == 0, result.err


def test_default_config_file_is_read_from_the_working_folder(cli, tmp_path, monkeypatch, site_tree):
    site_tree(GOOD, "articles")
    (tmp_path / "newsarchive.yaml").write_text(
        "title: Harbour Gazette\ncontent: articles\noutput: public\nsite_url: https://gazette.example.org/news/\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = cli("build")
    assert result.code == 0, result.err
    index = (tmp_path / "public" / "index.html").read_text(encoding="utf-8")
    assert "Harbour Gazette" in index
    assert "https://gazette.example.org/news/" in (tmp_path / "public" / "feed.xml").read_text(encoding="utf-8")
    assert not (tmp_path / "site").exists()


def test_command_line_overrides_the_config_file(cli, tmp_path, monkeypatch, site_tree):
    site_tree(GOOD, "articles")
    (tmp_path / "newsarchive.yaml").write_text("content: articles\noutput: public\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("build", "--output", tmp_path / "elsewhere")
    assert result.code == 0, result.err
    assert (tmp_path / "elsewhere" / "index.html").is_file()
    assert not (tmp_path / "public").exists()


def test_two_builds_are_byte_identical(cli, tmp_path, monkeypatch, seed_text, site_tree, tree_bytes):
    monkeypatch.chdir(tmp_path)
    site_tree({**GOOD, "seed.txt": "---\ndate: 2015-10-02\n---\n" + seed_text})
    assert cli(*_build_args(tmp_path, output="one")).code == 0
    assert cli(*_build_args(tmp_path, output="two")).code == 0
    one, two = tree_bytes(tmp_path / "one"), tree_bytes(tmp_path / "two")
    assert one.keys() == two.keys()
    for rel in one:
        assert one[rel] == two[rel], f"{rel} differs between two builds of the same input"
    # Building again over an existing site changes nothing either.
    assert cli(*_build_args(tmp_path, output="one")).code == 0
    assert tree_bytes(tmp_path / "one") == one


def test_output_does_not_depend_on_the_content_folder_name(cli, tmp_path, monkeypatch, site_tree, tree_bytes):
    monkeypatch.chdir(tmp_path)
    site_tree(GOOD)
    shutil.copytree(tmp_path / "content", tmp_path / "other")
    assert cli(*_build_args(tmp_path, output="one")).code == 0
    assert cli(*_build_args(tmp_path, content="other", output="two")).code == 0
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


def test_rebuild_removes_pages_of_deleted_articles(cli, tmp_path, monkeypatch, site_tree, html_tree):
    monkeypatch.chdir(tmp_path)
    content = site_tree(GOOD)
    assert cli(*_build_args(tmp_path)).code == 0
    assert _pages_with_headline(tmp_path / "site", "Ferry returns to winter timetable", html_tree)
    (content / "ferry.txt").unlink()
    assert cli(*_build_args(tmp_path)).code == 0
    assert not _pages_with_headline(tmp_path / "site", "Ferry returns to winter timetable", html_tree)


def test_version(cli, capsys):
    with pytest.raises(SystemExit) as caught:
        cli("--version")
    assert caught.value.code == 0
    assert "newsarchive" in capsys.readouterr().out


def test_same_slug_gives_separate_pages(cli, tmp_path, monkeypatch, site_tree, html_tree):
    monkeypatch.chdir(tmp_path)
    site_tree(
        {
            "a.txt": "---\ndate: 2024-01-01\n---\nSame headline\n\nFirst body text about harbours.\n",
            "b.txt": "---\ndate: 2024-01-01\n---\nSame headline\n\nA different body about ferries and timetables.\n",
            "c.txt": "---\ndate: 2024-01-01\nslug: same-headline\n---\nOther headline\n\nThird body about libraries.\n",
        }
    )
    assert cli(*_build_args(tmp_path)).code == 0
    site = tmp_path / "site"
    bodies = ["First body text about harbours.", "A different body about ferries", "Third body about libraries."]
    pages = {}
    for body in bodies:
        found = [
            p
            for p in site.rglob("*.html")
            if any(body in n.text() for n in html_tree(p.read_bytes()).find_all("p"))
            and html_tree(p.read_bytes()).find_all("h1")[0].text() in ("Same headline", "Other headline")
        ]
        assert len(found) == 1, (body, found)
        pages[body] = found[0]
    assert len(set(pages.values())) == 3


def test_output_path_that_is_a_file_is_a_usage_error(cli, tmp_path, monkeypatch, site_tree):
    monkeypatch.chdir(tmp_path)
    site_tree(GOOD)
    (tmp_path / "site").write_text("not a folder", encoding="utf-8")
    result = cli(*_build_args(tmp_path))
    assert result.code == 2
    assert (tmp_path / "site").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("output", ["project/content", "project"], ids=["same-folder", "parent-folder"])
def test_output_folder_never_replaces_the_content(cli, tmp_path, monkeypatch, site_tree, tree_bytes, output):
    # The site replaces its output folder wholesale, so an output folder that is, or holds, the content
    # folder must be refused before anything is written; otherwise the articles are deleted.
    monkeypatch.chdir(tmp_path)
    site_tree(GOOD, "project/content")
    before = tree_bytes(tmp_path / "project")
    result = cli("build", "--content", "project/content", "--output", output)
    assert result.code == 2, "building over the content folder must be a usage error"
    assert "Traceback" not in result.err
    assert (tmp_path / "project" / "content").is_dir()
    assert tree_bytes(tmp_path / "project") == before


# -- the config, checked field by field ---------------------------------------------------------------

# A wrong value for each kind of field, as YAML text, and the words the message must hold.
_BAD_BY_TYPE = {
    "str": ("[1, 2]", "expected text"),
    "int": ("ten", "expected a whole number"),
    "bool": ("sometimes", "expected true or false"),
    "float": ("1.5", "expected a number over 0 and up to 1"),
    "tuple[str, ...]": ("{a: b}", "expected a list of text"),
    "Path": ("7", "expected a folder path"),
    "Path | None": ("[x]", "expected a folder path"),
}


@pytest.mark.parametrize("name", [f.name for f in fields(Config)])
def test_every_config_field_refuses_a_bad_value_naming_the_key(cli, tmp_path, monkeypatch, site_tree, name):
    kind = str(next(f.type for f in fields(Config) if f.name == name))
    assert kind in _BAD_BY_TYPE, f"no bad value for fields of type {kind}: add one to _BAD_BY_TYPE"
    value, expected = _BAD_BY_TYPE[kind]
    monkeypatch.chdir(tmp_path)
    site_tree(GOOD)
    (tmp_path / "newsarchive.yaml").write_text(f"# the gazette\n{name}: {value}\n", encoding="utf-8")
    for command in ("build", "check"):
        result = cli(command)
        assert result.code == 2, (command, result.err)
        assert f"newsarchive.yaml:2: '{name}': {expected}" in result.err, result.err
        assert "got " in result.err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("language: English please", "expected a language code like 'en' or 'pt-BR'"),
        ("jobs: -1", "expected a whole number of at least 0"),
        ("feed_size: 0", "expected a whole number of at least 1"),
        ("near_duplicate_threshold: 0", "expected a number over 0 and up to 1"),
        ("ignore: [README*, 3]", "expected a list of text"),
        ("output: ''", "expected a folder path"),
        ("title: null", "expected text"),
    ],
)
def test_bad_config_values_say_what_was_expected(cli, tmp_path, monkeypatch, site_tree, line, words):
    monkeypatch.chdir(tmp_path)
    site_tree(GOOD)
    (tmp_path / "newsarchive.yaml").write_text(line + "\n", encoding="utf-8")
    result = cli("build")
    assert result.code == 2
    assert f"newsarchive.yaml:1: '{line.split(':')[0]}': {words}" in result.err


# -- what a build prints ----------------------------------------------------------------------------------

COPY = {
    "2024-06-01-ferry-copy.txt": "---\ndate: 2024-06-01\n---\n" + GOOD["ferry.txt"],
    "undated.txt": "Market opens on the square\n\nStalls selling bread and cheese opened on Saturday.\n",
}


def _on_terminal(argv, cwd, stdout_terminal):
    """Run newsarchive with standard error (and, if asked, standard output) on a pseudo-terminal.

    Returns (exit status, what the terminal showed, what went to the pipe)."""
    import fcntl
    import struct
    import termios

    from conftest import cli_command

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [*cli_command(), *map(str, argv)],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=slave if stdout_terminal else subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closes once the process has ended
            break
        if not chunk:
            break
        shown += chunk
    piped = process.stdout.read() if process.stdout else b""
    code = process.wait(timeout=120)
    os.close(master)
    return code, shown.decode("utf-8", "replace"), piped.decode("utf-8")


def test_progress_bar_on_a_terminal_and_quiet_output_to_a_pipe(tmp_path, site_tree):
    site_tree(GOOD)
    code, shown, piped = _on_terminal(["build", "--no-search"], tmp_path, stdout_terminal=False)
    assert code == 0, shown
    assert re.search(r"parse.*\d+%\|", shown) and re.search(r"render.*100%\|", shown), shown
    assert "\r" in shown, "the bar redraws itself in place"
    assert piped == "", "standard output is a pipe, so the build is quiet"
    # Both on the terminal: the bar, then the one-line summary.
    code, shown, _ = _on_terminal(["build", "--no-search", "--no-cache"], tmp_path, stdout_terminal=True)
    assert code == 0
    assert "render" in shown
    summary = [line for line in shown.replace("\r", "\n").splitlines() if line.startswith("built ")]
    assert len(summary) == 1 and "3 articles" in summary[0], shown


def test_no_progress_bar_when_not_on_a_terminal(run_process, tmp_path, site_tree):
    site_tree(GOOD)
    result = run_process("build", "--no-search", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == "" and result.stderr == ""


def test_quiet_prints_nothing_even_on_a_terminal(tmp_path, site_tree):
    site_tree(GOOD)
    code, shown, _ = _on_terminal(["build", "--no-search", "-q"], tmp_path, stdout_terminal=True)
    assert code == 0
    assert shown == "", repr(shown)
    assert (tmp_path / "site" / "index.html").is_file()


def test_verbose_prints_the_summary_stage_times_warnings_and_copies(cli, tmp_path, monkeypatch, site_tree):
    monkeypatch.chdir(tmp_path)
    site_tree({**GOOD, **COPY})
    result = cli("build", "-v")
    assert result.code == 0, result.err
    # The summary is one line, on standard output.
    (summary,) = result.out.splitlines()
    assert re.fullmatch(r"built site/: 4 articles, \d+ pages, .*1 copies folded, 1 warnings, .* in \d+\.\d\ds", summary)
    details = result.err.splitlines()
    stages = [
        line.split()[0] for line in details[details.index("stages:") + 1 :] if re.match(r"^  \w+ +\d+\.\d\ds$", line)
    ]
    assert stages == ["parse", "enrich", "render", "search"]
    assert (
        "content/undated.txt:1: warning: undated: add 'date:' to front matter, a date line, or a date in the path"
        in details
    )
    assert "ferry.txt: also filed as 2024-06-01-ferry-copy.txt" in details
    # Without -v, none of it.
    (tmp_path / "content" / "undated.txt").write_text(COPY["undated.txt"] + "\nOne more line.\n", encoding="utf-8")
    result = cli("build")
    assert result.code == 0
    assert result.out == "" and result.err == ""


# -- help and bad invocations -----------------------------------------------------------------------------


def _commands():
    from newsarchive.cli import _parser

    (commands,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(commands.choices)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_examples_and_exit_codes_in_its_help(cli, capsys, command):
    with pytest.raises(SystemExit) as caught:
        cli(command, "--help")
    assert caught.value.code == 0
    out = capsys.readouterr().out
    examples = out[out.index("examples:") :]
    assert f"newsarchive {command}" in examples, f"{command} --help shows no example of {command}"
    for code in ("0", "1", "2"):
        assert re.search(rf"^  {code}  \w", out, re.M), f"exit status {code} is not explained in {command} --help"


def test_main_help_lists_commands_examples_and_exit_codes(cli, capsys):
    with pytest.raises(SystemExit):
        cli("--help")
    out = capsys.readouterr().out
    for command in _commands():
        assert command in out
    assert "examples:" in out and "exit status:" in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        ([], "required: COMMAND"),
        (["publish"], "invalid choice: 'publish'"),
        (["build", "--jobs", "many"], "invalid int value: 'many'"),
        (["build", "-q", "-v"], "not allowed with argument"),
        (["check", "--format", "xml"], "invalid choice: 'xml'"),
        (["check", "--site"], "there is no built site here"),
        (["new"], "the following arguments are required: headline"),
        (["show"], "the following arguments are required: FILE"),
    ],
)
def test_bad_invocations_get_a_message_and_exit_2(run_process, tmp_path, site_tree, argv, words):
    site_tree(GOOD)
    result = run_process(*argv, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_a_progress_bar_starts_no_thread_so_the_build_can_still_fork_its_workers():
    import io
    import threading

    from newsarchive.console import Progress

    before = threading.active_count()
    progress = Progress(bar=True, stream=io.StringIO())
    progress("parse", 0, 10)
    progress("parse", 5, 10)
    progress("render", 1, 4)
    assert threading.active_count() == before, [t.name for t in threading.enumerate()]
    progress.close()
