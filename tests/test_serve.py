"""serve.py and `newsarchive serve`: a real server process, its served address, rebuilds on change, and the
deployable site left alone."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import feedparser
import pytest

from served import serving, until

HARBOUR = (
    "---\ndate: 2024-05-01\n---\nCouncil approves harbour wall\n\n"
    "Councillors voted on Tuesday to approve the new harbour wall.\n\nWork starts in the spring.\n"
)
FILES = {
    "2024-05-01-harbour-wall.txt": HARBOUR,
    "ferry.txt": "Ferry returns to winter timetable\nPublished: 3 March 2022\n"
    "The harbour ferry will switch to its winter timetable a fortnight early.\n",
}


@pytest.fixture
def project(tmp_path: Path, site_tree) -> Path:
    """A project folder: content/, an empty templates/ and a newsarchive.yaml."""
    site_tree(FILES)
    (tmp_path / "templates").mkdir()
    (tmp_path / "newsarchive.yaml").write_text("title: Harbour Gazette\n", encoding="utf-8")
    return tmp_path


def _files_and_times(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _article_path(home: bytes) -> str:
    found = re.search(rb'href="([^"]*harbour-wall[^"]*)"', home)
    assert found, "the home page links to the harbour wall article"
    return found.group(1).decode()


def test_serves_the_site_at_its_address_rebuilds_on_edit_and_leaves_site_alone(project, run_process, html_tree):
    built = run_process("build", "--no-search", cwd=project)
    assert built.returncode == 0, built.stderr
    deployable = _files_and_times(project / "site")

    with serving(project, "--no-search") as served:
        status, home = served.get("/")
        assert status == 200
        article = _article_path(home)
        status, page = served.get(article)
        assert status == 200
        tree = html_tree(page)
        canonical = [link.attrs["href"] for link in tree.find_all("link") if link.attrs.get("rel") == "canonical"]
        assert canonical == [served.url + article.removesuffix("index.html")]

        # The build's files stay as `build` makes them: the script is added on the way out, only to pages.
        on_disk = project / ".site.cache" / "serve" / "site" / article
        assert b"EventSource" not in on_disk.read_bytes()
        script = re.compile(rb"<script>/\* newsarchive serve.*?</script>\n")
        assert len(script.findall(page)) == 1
        assert script.sub(b"", page) == on_disk.read_bytes()

        status, feed_bytes = served.get("feed.xml")
        feed = feedparser.parse(feed_bytes)
        assert status == 200 and not feed.bozo
        assert feed.feed.link == served.url
        assert {entry.link for entry in feed.entries} >= {served.url + article.removesuffix("index.html")}

        story = project / "content" / "2024-05-01-harbour-wall.txt"
        story.write_text(HARBOUR.replace("in the spring", "after the storm season"), encoding="utf-8")
        until("the edited article to be served", lambda: served.page_shows(article, "after the storm season"))
        assert "changed: 2024-05-01-harbour-wall.txt" in served.out

        assert served.stop() == 130
    assert "Traceback" not in served.err
    assert "stopped serving" in served.err
    assert _files_and_times(project / "site") == deployable, "serve must not touch the deployable site"


def test_a_content_error_keeps_the_last_good_site_until_fixed(project):
    with serving(project, "--no-search") as served:
        broken = project / "content" / "lighthouse.txt"
        broken.write_text("Only a headline\n", encoding="utf-8")
        until("the content error to be printed", lambda: "lighthouse.txt:" in served.err)
        assert "still serving the last good site" in served.err
        assert served.page_shows("/", "Council approves harbour wall")

        broken.write_text("Lighthouse keeper retires\n\nAfter forty years, the keeper hands over the keys.\n")
        until("the fixed article to be built", lambda: served.page_shows("/", "Lighthouse keeper retires"))
        assert served.process.poll() is None
    assert "Traceback" not in served.err


def test_config_and_template_changes_rebuild(project):
    with serving(project, "--no-search") as served:
        assert served.page_shows("/", "Harbour Gazette")
        # Saved the way editors save: a new file renamed over the old one.
        replacement = project / "newsarchive.yaml.new"
        replacement.write_text("title: Quayside Courier\n", encoding="utf-8")
        os.replace(replacement, project / "newsarchive.yaml")
        until("the new title", lambda: served.page_shows("/", "Quayside Courier"))
        replacement.write_text("title: Harbour Times\n", encoding="utf-8")
        os.replace(replacement, project / "newsarchive.yaml")
        until("the second new title", lambda: served.page_shows("/", "Harbour Times"))

        status, _ = served.get("no/such/page/")
        assert status == 404
        (project / "templates" / "404.html").write_text(
            '{% extends "base.html" %}{% block main %}<h1>Lost at sea</h1>{% endblock %}', encoding="utf-8"
        )

        def custom_404() -> bool:
            status, body = served.get("no/such/page/")
            return status == 404 and b"Lost at sea" in body

        until("the site's own 404 page from the new template", custom_404)


def test_a_busy_port_is_one_clear_line(project, run_process):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_process("serve", "--port", port, "--no-search", cwd=project)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"newsarchive: port {port} on 127.0.0.1 is already in use; stop what is using it or choose another --port"
    ]
    assert not (project / ".site.cache").exists(), "nothing is built when the server cannot listen"


def _listening_addresses(port: int) -> set[str]:
    """The local addresses listening on `port`, from the kernel's own table."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if int(hex_port, 16) == port and state == "0A":
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").is_file(), reason="needs Linux's /proc/net/tcp to see listening sockets")
def test_listens_on_loopback_unless_told_otherwise(project):
    with serving(project, "--no-search") as served:
        port = int(served.url.rsplit(":", 1)[1].strip("/"))
        assert _listening_addresses(port) == {"127.0.0.1"}
    assert "warning" not in served.err

    with serving(project, "--no-search", "--host", "0.0.0.0") as served:
        port = int(served.url.rsplit(":", 1)[1].strip("/"))
        assert _listening_addresses(port) == {"0.0.0.0"}
        assert "newsarchive: warning: listening on 0.0.0.0: other machines can reach this server" in served.err
