"""``karpenter-infra disruption`` on the dev, prod and auto stacks, and its SVG checked against the computed windows."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from karpenter_infra.cli import app
from karpenter_infra.disruption.report import PoolInput, build
from karpenter_infra.disruption.svg import HOUR_WIDTH, LABEL_WIDTH
from karpenter_infra.stack import load_stack

PROJECT = Path(__file__).resolve().parents[2]
AT = "2026-12-07T08:00+01:00"  # Monday 07:00 UTC: prod's business-hours freeze starts
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["disruption", *args, "--project-dir", str(PROJECT)])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("stack", ["dev", "prod", "auto"])
def test_default_view_on_each_stack(stack: str) -> None:
    code, out, err = run("--stack", stack, "--at", AT)
    assert code == 0, err
    assert "10 node(s) per pool (assumed; set --nodes)" in out
    assert "default-amd64 (group default)" in out
    # dev, prod and auto freeze drift on weekdays from 07:00 UTC for 12 h on the default pool
    assert (
        "  Drifted               0  budget 1 (nodes 0, '0 7 * * mon-fri' for 12h); next: 1 from Mon 2026-12-07 19:00"
        in out
    )


def test_week_timeline_for_prod_shows_blocked_business_hours() -> None:
    code, out, _ = run("--stack", "prod", "--group", "default", "--at", AT, "--week", "--nodes", "30")
    assert code == 0
    assert "30 node(s) per pool\n" in out
    drifted = next(line for line in out.splitlines() if line.startswith("  Drifted") and "|" in line)
    days = drifted.split()[1].split("|")
    assert days[:5] == ["0" * 12 + "3" * 12] * 5 and days[5:] == ["3" * 24] * 2
    assert "Drifted blocked: Mon 07:00-Mon 19:00, Tue 07:00-Tue 19:00" in out


def test_off_hours_on_the_dev_timeline() -> None:
    code, out, _ = run("--stack", "dev", "--group", "gpu", "--at", "2026-12-07T00:00Z", "--week")
    assert code == 0
    off = next(line for line in out.splitlines() if line.startswith("  off-hours"))
    # Europe/Berlin 20:00-07:00 on weekdays is 19:00-06:00 UTC in winter
    assert off.split()[1].split("|")[0] == "z" * 6 + "." * 13 + "z" * 5


def test_rollout_of_an_ami_bump_on_prod() -> None:
    code, out, _ = run("--stack", "prod", "--group", "default", "--at", AT, "--nodes", "20", "--rollout", "20")
    assert code == 0
    # blocked until 19:00 UTC, then 10% of 20 = 2 at a time, 5 minutes each: 10 rounds, the last ready 19:50
    assert "20 drifted node(s) of 20: last replaced Mon 2026-12-07 19:50 UTC (12h50m after --at" in out
    assert "5 min per replacement (--replace-minutes)" in out


def test_json_document_is_versioned_and_carries_the_windows() -> None:
    code, out, _ = run("--stack", "prod", "--group", "jobs", "--at", AT, "--json", "--nodes", "10")
    assert code == 0
    document = json.loads(out)
    assert document["version"] == 1 and document["nodes_assumed"] is False
    pool = document["pools"][0]
    assert pool["nodepool"] == "jobs-amd64" and pool["now"]["Drifted"]["allowed"] == 0
    assert pool["now"]["Drifted"]["next_change"] == {"at": "2026-12-07T19:00:00Z", "allowed": 1}
    blocked = [w for w in pool["windows"]["Drifted"] if w["allowed"] == 0]
    assert blocked[0] == {"start": "2026-12-07T07:00:00Z", "end": "2026-12-07T19:00:00Z", "allowed": 0, "budget": 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "2026-12-07T08:00"], "--at: give the instant's UTC offset"),
        (["--at", "yesterday"], "is not an ISO 8601 instant"),
        (["--at", "9999-01-01T00:00Z"], "out of range"),
        (["--group", "nope"], "no node group 'nope' renders a NodePool"),
        (["--rollout", "11"], "11 drifted nodes exceed the pool size 10"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    code, out, err = run("--stack", "dev", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: disruption: ") and message in err


def test_svg_draws_the_computed_windows_and_off_hours(tmp_path: Path) -> None:
    target = tmp_path / "week.svg"
    code, _, err = run("--stack", "dev", "--at", AT, "--svg", str(target))
    assert code == 0 and f"wrote {target}" in err
    root = ET.parse(target).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    at = datetime.fromisoformat(AT)
    fleet = load_stack("dev", PROJECT).fleet()
    groups = {g.nodepool_name: g for g in fleet.groups}
    pools = [
        PoolInput(m, groups[m["metadata"]["name"]].name, groups[m["metadata"]["name"]].off_hours)
        for m in fleet.manifests()
        if m["kind"] == "NodePool"
    ]
    view = build(pools, at, 10, nodes_assumed=True)
    expected = {
        (p.name, reason, w.start, w.end, str(w.allowed))
        for p in view.pools
        for reason, found in p.week.items()
        for w in found
        if w.allowed is not None
    }
    drawn = set()
    for rect in root.iter(f"{ns}rect"):
        if "window" not in rect.get("class", "").split():
            continue
        start = datetime.fromisoformat(rect.attrib["data-start"])
        end = datetime.fromisoformat(rect.attrib["data-end"])
        drawn.add((rect.attrib["data-nodepool"], rect.attrib["data-reason"], start, end, rect.attrib["data-allowed"]))
        # the geometry says the same as the data: hours from the week's start along the axis
        assert float(rect.attrib["x"]) == pytest.approx(
            LABEL_WIDTH + (start - view.start) / timedelta(hours=1) * HOUR_WIDTH
        )
        assert float(rect.attrib["width"]) == pytest.approx((end - start) / timedelta(hours=1) * HOUR_WIDTH)
    assert drawn == expected and any(e[4] == "0" for e in expected)
    off = {
        (
            r.attrib["data-nodepool"],
            datetime.fromisoformat(r.attrib["data-start"]),
            datetime.fromisoformat(r.attrib["data-end"]),
        )
        for r in root.iter(f"{ns}rect")
        if r.get("class") == "off-hours"
    }
    assert off == {(p.name, s, e) for p in view.pools for s, e in p.scaled_down} and off
    assert view.start == datetime(2026, 12, 7, 7, tzinfo=UTC)


def test_a_reason_the_pool_never_uses_says_so() -> None:
    code, out, _ = run("--stack", "prod", "--group", "jobs", "--at", AT, "--json")
    assert code == 0
    now = json.loads(out)["pools"][0]["now"]
    assert now["Underutilized"]["unused"] == "consolidationPolicy is WhenEmpty" and "unused" not in now["Drifted"]
    code, out, _ = run("--stack", "prod", "--group", "jobs", "--at", AT)
    assert "  Underutilized         -  never used here: consolidationPolicy is WhenEmpty\n" in out
