"""Shell completion (``perfrules completion bash|zsh|fish``): derived from the parser, loaded in real shells.

bash is always available: its script is sourced and completion is simulated
(COMP_WORDS/COMP_CWORD set, the completion function called, COMPREPLY read).
zsh and fish are used when installed: ``zsh -n`` and ``fish --no-execute``
check the syntax, and fish's ``complete -C`` completes command lines for real.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from perfrules.cli import _completion
from perfrules.cli._completion import SHELLS, completion_script

BASH = shutil.which("bash")
ZSH = shutil.which("zsh")
FISH = shutil.which("fish")
ROOT = Path(__file__).resolve().parents[1]


def _common(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--lang", choices=("zh", "en"), default="zh")
    sp.add_argument("--width", type=int, default=None)


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return action


def _perfrules_parser() -> argparse.ArgumentParser:
    """The real root parser (the one ``perfrules`` builds)."""
    from perfrules.cli._parser import build_parser

    parser: argparse.ArgumentParser = build_parser()
    assert "completion" in _subparsers(parser).choices
    return parser


@pytest.fixture(scope="module")
def parser() -> argparse.ArgumentParser:
    return _perfrules_parser()


def _subcommands(parser: argparse.ArgumentParser) -> list[str]:
    return list(_subparsers(parser).choices)


def _options(parser: argparse.ArgumentParser, command: str) -> list[str]:
    sub = _subparsers(parser).choices[command]
    return [s for a in sub._actions if a.help != argparse.SUPPRESS for s in a.option_strings]


def _choices(parser: argparse.ArgumentParser, command: str, option: str) -> list[str]:
    sub = _subparsers(parser).choices[command]
    (action,) = [a for a in sub._actions if option in a.option_strings]
    assert action.choices is not None
    return [str(c) for c in action.choices]


# ---------------------------------------------------------------------------------------------- bash

Complete = Callable[..., list[str]]


def _bash_runner(script: str, tmp_path: Path, cwd: Path = ROOT) -> Complete:
    """Completions bash offers for a command line given as words (the last one is being completed)."""
    if BASH is None:
        pytest.skip("bash is not installed")
    path = tmp_path / "completion.bash"
    path.write_text(script, encoding="utf-8")
    register = next(line for line in script.splitlines() if line.startswith("complete -F "))
    function = register.split()[2]

    def complete(*words: str) -> list[str]:
        quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
        driver = (
            f"source '{path}' || exit 9\n"
            f"COMP_WORDS=({quoted}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); COMPREPLY=()\n"
            f'COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}\n'
            f"{function}\n"
            'printf "%s\\n" "${COMPREPLY[@]}"\n'
        )
        run = subprocess.run(
            [BASH, "--norc", "--noprofile", "-c", driver],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        assert run.stderr == "", run.stderr
        return [line for line in run.stdout.splitlines() if line]

    return complete


@pytest.fixture(scope="module")
def bash(parser: argparse.ArgumentParser, tmp_path_factory: pytest.TempPathFactory) -> Complete:
    return _bash_runner(completion_script(parser, "bash"), tmp_path_factory.mktemp("bash"))


def test_bash_offers_every_subcommand(parser: argparse.ArgumentParser, bash: Complete) -> None:
    offered = bash("perfrules", "")
    assert offered == _subcommands(parser)
    assert "completion" in offered and "evaluate" in offered and "check" in offered


def test_bash_completes_a_subcommand_prefix(
    parser: argparse.ArgumentParser, bash: Complete
) -> None:
    assert (
        bash("perfrules", "ev")
        == [c for c in _subcommands(parser) if c.startswith("ev")]
        == ["evaluate"]
    )


def test_bash_root_options(bash: Complete) -> None:
    assert {"-h", "--help", "--version"} <= set(bash("perfrules", "-"))


def test_bash_options_of_evaluate(parser: argparse.ArgumentParser, bash: Complete) -> None:
    offered = bash("perfrules", "evaluate", "-")
    assert offered == _options(parser, "evaluate")
    assert {"--format", "--lang", "-o", "--output"} <= set(offered)
    assert bash("perfrules", "evaluate", "--f") == ["--format"]


def test_bash_choices_of_format(parser: argparse.ArgumentParser, bash: Complete) -> None:
    expected = _choices(parser, "evaluate", "--format")
    assert bash("perfrules", "evaluate", "--format", "") == expected == ["table", "json"]
    assert bash("perfrules", "evaluate", "--format", "j") == ["json"]
    assert bash("perfrules", "evaluate", "x", "--format", "=", "") == expected  # --format=<TAB>
    assert bash("perfrules", "evaluate", "--format", "=") == expected
    assert bash("perfrules", "evaluate", "--lang", "") == _choices(parser, "evaluate", "--lang")


def test_bash_choices_of_other_options(parser: argparse.ArgumentParser, bash: Complete) -> None:
    for command in _subcommands(parser):
        sub = _subparsers(parser).choices[command]
        for action in sub._actions:
            if action.option_strings and action.choices is not None and action.nargs != 0:
                for option in action.option_strings:
                    offered = bash("perfrules", command, option, "")
                    assert offered == [str(c) for c in action.choices], (command, option)


def test_bash_files_for_paths(bash: Complete) -> None:
    assert bash("perfrules", "evaluate", "exa") == ["examples"]
    assert "examples/hunan-2024-general-office" in bash("perfrules", "check", "examples/hun")
    # a value already given does not count as a positional argument
    assert bash("perfrules", "evaluate", "--format", "json", "exa") == ["examples"]
    assert bash("perfrules", "evaluate", "--format=json", "exa") == ["examples"]
    assert bash("perfrules", "evaluate", "-o", "READ") == ["README.md"]


def test_bash_nothing_for_numbers_and_unknown_commands(bash: Complete) -> None:
    assert bash("perfrules", "evaluate", "--width", "") == []
    assert bash("perfrules", "no-such-command", "") == []
    # after SPEC and ACTUALS check takes nothing more
    assert bash("perfrules", "check", "a", "b", "") == []


def test_bash_completion_subcommand_offers_the_shells(bash: Complete) -> None:
    assert bash("perfrules", "completion", "") == list(SHELLS)
    assert bash("perfrules", "completion", "f") == ["fish"]


def test_bash_on_a_made_up_parser(tmp_path: Path) -> None:
    """Nested subcommands, aliases, positional choices, repeatable options, folders, greedy options."""
    p = argparse.ArgumentParser(prog="tool")
    p.add_argument("-q", action="store_true")
    sub = p.add_subparsers(dest="cmd")
    a = sub.add_parser("alpha", aliases=["al"], help="first")
    a.add_argument("mode", choices=("fast", "slow"))
    a.add_argument("files", nargs="+", metavar="FILE")
    a.add_argument("--into", metavar="DIR")
    a.add_argument("--tag", action="append", choices=("x", "y"))
    a.add_argument("--with", nargs="+", metavar="PATH", dest="extra")
    a.add_argument("--secret", help=argparse.SUPPRESS)
    b = sub.add_parser("beta")
    inner = b.add_subparsers(dest="inner")
    g = inner.add_parser("gamma")
    g.add_argument("--level", choices=("1", "2"))
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "data.csv").write_text("", encoding="utf-8")
    (tmp_path / "work" / "sub").mkdir()
    complete = _bash_runner(completion_script(p, "bash"), tmp_path, cwd=tmp_path / "work")
    assert complete("tool", "") == ["alpha", "al", "beta"]
    assert complete("tool", "al", "") == ["fast", "slow"]
    assert complete("tool", "alpha", "fast", "d") == ["data.csv"]
    assert complete("tool", "alpha", "fast", "data.csv", "d") == ["data.csv"]  # nargs="+"
    assert complete("tool", "alpha", "--into", "") == ["sub"]
    assert complete("tool", "alpha", "--tag", "x", "--tag", "") == ["x", "y"]
    assert complete("tool", "alpha", "--with", "data.csv", "d") == ["data.csv"]
    assert "--secret" not in complete("tool", "alpha", "-")
    assert complete("tool", "beta", "") == ["gamma"]
    assert complete("tool", "beta", "gamma", "-") == ["-h", "--help", "--level"]
    assert complete("tool", "beta", "gamma", "--level", "") == ["1", "2"]
    assert complete("tool", "-q", "b") == ["beta"]


# ---------------------------------------------------------------------------------------------- every shell


@pytest.mark.parametrize("shell", SHELLS)
def test_the_script_names_every_subcommand_and_option(
    parser: argparse.ArgumentParser, shell: str
) -> None:
    script = completion_script(parser, shell)
    for command in _subcommands(parser):
        assert command in script, (shell, command)
        for option in _options(parser, command):
            assert option.lstrip("-") in script, (shell, command, option)
    assert "table" in script and "json" in script and "narrative" in script


@pytest.mark.parametrize("shell", SHELLS)
def test_a_new_subcommand_appears_without_changes(
    parser: argparse.ArgumentParser, shell: str
) -> None:
    parser = _perfrules_parser()
    extra = _subparsers(parser).add_parser(
        "brand-new-command", help="added after the script was written"
    )
    extra.add_argument("--flavour", choices=("sweet", "sour"))
    script = completion_script(parser, shell)
    assert "brand-new-command" in script and "sweet" in script and "--flavour".lstrip("-") in script


def test_unknown_shell() -> None:
    with pytest.raises(ValueError, match="unknown shell 'tcsh'"):
        completion_script(_perfrules_parser(), "tcsh")


@pytest.mark.skipif(ZSH is None, reason="zsh is not installed")
def test_zsh_script_parses(parser: argparse.ArgumentParser, tmp_path: Path) -> None:
    path = tmp_path / "_perfrules"
    script = completion_script(parser, "zsh")
    assert script.startswith("#compdef perfrules\n")
    path.write_text(script, encoding="utf-8")
    assert ZSH is not None
    run = subprocess.run(
        [ZSH, "-n", str(path)], capture_output=True, text=True, timeout=30, check=False
    )
    assert run.returncode == 0, run.stderr
    for command in _subcommands(parser):
        assert f"'{command}:" in script, command  # in the command list, with its description


@pytest.mark.skipif(FISH is None, reason="fish is not installed")
def test_fish_script_parses_and_completes(parser: argparse.ArgumentParser, tmp_path: Path) -> None:
    path = tmp_path / "perfrules.fish"
    path.write_text(completion_script(parser, "fish"), encoding="utf-8")
    assert FISH is not None
    run = subprocess.run(
        [FISH, "--no-execute", str(path)], capture_output=True, text=True, timeout=30, check=False
    )
    assert run.returncode == 0, run.stderr

    def complete(line: str) -> list[str]:
        cmd = f"source {path}; complete -C '{line}'"
        out = subprocess.run(
            [FISH, "--no-config", "-c", cmd],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert out.returncode == 0, out.stderr
        return [row.split("\t")[0] for row in out.stdout.splitlines()]

    assert sorted(complete("perfrules ")) == sorted(_subcommands(parser))
    assert complete("perfrules ev") == ["evaluate"]
    assert sorted(complete("perfrules evaluate --format ")) == ["json", "table"]
    assert set(_options(parser, "evaluate")) <= set(complete("perfrules evaluate -"))
    assert complete("perfrules evaluate exa") == ["examples/"]
    assert sorted(complete("perfrules completion ")) == sorted(SHELLS)


# ---------------------------------------------------------------------------------------------- the command


def test_run_writes_the_script(parser: argparse.ArgumentParser) -> None:
    for shell in SHELLS:
        args = parser.parse_args(["completion", shell])
        out = io.StringIO()
        assert _completion.run(args, out, parser) == 0
        assert out.getvalue() == completion_script(parser, shell)


def test_help_says_how_to_install(parser: argparse.ArgumentParser) -> None:
    text = _subparsers(parser).choices["completion"].format_help()
    assert "~/.local/share/bash-completion/completions/perfrules" in text
    assert "fpath" in text
    assert "~/.config/fish/completions/perfrules.fish" in text


def test_a_shell_outside_the_choices_is_a_usage_error(parser: argparse.ArgumentParser) -> None:
    with pytest.raises((SystemExit, Exception)):
        parser.parse_args(["completion", "tcsh"])


def test_the_completion_command_through_main(capsys: pytest.CaptureFixture[str]) -> None:
    from perfrules.cli import main

    try:
        from perfrules.cli._parser import build_parser
    except ImportError:
        from perfrules.cli._main import _build_parser as build_parser  # type: ignore[attr-defined,no-redef]
    if "completion" not in _subparsers(build_parser()).choices:
        pytest.skip("the completion subcommand is not wired into the command line yet")
    assert main(["completion", "bash"]) == 0
    out = capsys.readouterr().out
    assert "complete -F _perfrules perfrules" in out
    assert main(["completion", "tcsh"]) == 2
    assert "Traceback" not in capsys.readouterr().err
