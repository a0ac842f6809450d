"""The docs stay honest: every CLI command has help text and a README entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_has_help_and_readme_entry(name: str) -> None:
    command = cli.commands[name]
    assert command.help and len(command.help.strip()) > 20, f"kg {name} has no help text"
    assert f"### `kg {name}" in README, f"README.md has no section for kg {name}"
    for param in command.params:
        if param.param_type_name == "option" and not param.hidden:
            assert param.help or param.name in ("help",), f"kg {name} {param.opts} has no help"


def test_readme_lists_every_exit_code() -> None:
    from kg.errors import EXIT_CODES

    for code, text in EXIT_CODES.items():
        assert f"| {code} | {text} |" in README, f"exit code {code} is not in README.md"
