"""The benchmark runner measures every scenario of real builds, and reports them as a table and as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCENARIOS = ["cold", "noop", "edit", "add", "template"]


def test_the_runner_times_each_scenario_at_each_size_and_writes_a_table_and_json(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    args = ["--n", "20", "--n", "40", "--runs", "1", "--build-arg=--no-search", "--work", str(tmp_path / "work")]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", *args, "--json", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    rows = {(r["n"], r["scenario"]): r for r in results["results"]}
    assert sorted(rows) == sorted((n, s) for n in (20, 40) for s in SCENARIOS)
    for n in (20, 40):
        assert f"{n:>7} cold" in done.stdout, "each row is in the printed table"
        cold, noop, edit, add, template = (rows[n, s] for s in SCENARIOS)
        assert not any(r["failures"] for r in rows.values())
        assert all(r["median_s"] > 0 and r["median_peak_mib"] > 0 and r["median_tree_mib"] > 0 for r in rows.values())
        # What each build wrote is the scenario's: everything, nothing, the edited page (at least), more pages.
        assert cold["written"] == cold["pages"] > n
        assert noop["written"] == 0 and noop["pages"] == cold["pages"]
        assert 1 <= edit["written"] < cold["pages"]
        assert add["pages"] > cold["pages"] and 0 < add["written"] < add["pages"]
        assert template["written"] == template["pages"] == add["pages"]
    assert sorted(results["growth"]) == sorted(SCENARIOS)
    assert all(set(g["wall_per_article_ratio"]) == {"20", "40"} for g in results["growth"].values())
