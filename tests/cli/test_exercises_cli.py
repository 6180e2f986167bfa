"""`backchain exercises`: the table, the detail view and the JSON contract."""

import json

from cli_runner import Run

SEVEN = [
    "glute_bridge",
    "romanian_deadlift",
    "bent_over_row",
    "downward_dog",
    "kettlebell_swing",
    "squat",
    "locust",
]


def test_json_lists_the_seven_with_the_contract_fields(run: Run) -> None:
    result = run("exercises", "--json")
    assert result.returncode == 0, result.stderr
    exercises = json.loads(result.stdout)
    assert [e["id"] for e in exercises] == SEVEN
    bridge = exercises[0]
    assert bridge["name"] == "Glute bridge"
    assert bridge["equipment"] == ["none", "mat"]
    assert bridge["dosage"]["reps"] == [8, 25]
    assert {v["id"] for v in bridge["variations"]} >= {"marching_bridge", "single_leg_bridge"}


def test_table_shows_every_exercise(run: Run) -> None:
    result = run("exercises")
    assert result.returncode == 0, result.stderr
    for name in ("Glute bridge", "Kettlebell swing", "Locust pose lift"):
        assert name in result.stdout
    assert "3 sets × 10 reps" in result.stdout  # the swing, as CLINICAL.md doses it


def test_show_gives_steps_cues_dosage_and_variations(run: Run) -> None:
    result = run("exercises", "show", "glute_bridge")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "2–3 sets × 8–25 reps, rest 60 s" in out
    assert "Pause for a breath at the top" in out  # a cue
    assert "Single-leg glute bridge" in out
    assert "Lying pelvic tilt" in out
    assert out.index("Set-up") < out.index("Steps") < out.index("Cues")


def test_show_unknown_id_is_one_line_exit_2(run: Run) -> None:
    result = run("exercises", "show", "deadbug")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Error: Unknown exercise 'deadbug'. Choose one of: glute_bridge, romanian_deadlift, "
        "bent_over_row, downward_dog, kettlebell_swing, squat, locust."
    ]
