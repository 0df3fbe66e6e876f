"""Command line: `remedies assess`, `check`, `verify`, `rulesets`, `schema`.

Exit codes: 0 ok; 1 findings or checks failed (check, verify); 2 bad input or usage;
3 an internal error (a bug: please report it with the facts file).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Callable

import click

from . import __version__, guide, report, rulesets, safeout
from .batch import progress
from .batch.summary import SUMMARIES
from .check import render as check_render
from .assess import TRACE_LEVELS
from .errors import InputError, RemediesError
from .yamlio import os_problem
from .plausible import in_range
from .whatif.explore import MAX_SUBJECTS

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def _as_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date as YYYY-MM-DD") from None
    problem = in_range(day)
    if problem:
        raise click.BadParameter(problem)
    return day


def _library(added: tuple[Path, ...], only: tuple[Path, ...] = ()) -> rulesets.Library:
    """The shipped rulesets plus --rulesets (a file with a shipped id replaces it), or only --only-rulesets."""
    if added and only:
        raise click.UsageError("give --rulesets (added to the shipped ones) or --only-rulesets (instead of "
                               "them), not both")
    return _noted(rulesets.load(list(only) if only else rulesets.with_shipped(list(added)) if added else None))


def _noted(library: rulesets.Library) -> rulesets.Library:
    """Say on stderr what loading the rulesets upgraded (a rule named by its former id)."""
    for note in library.notes:
        click.echo(f"remedies: note: {note}", err=True)
    return library


def _ruleset_paths(added: tuple[Path, ...], only: tuple[Path, ...]) -> tuple[Path, ...]:
    """What a worker process loads: the paths _library resolves to (empty: the shipped rulesets)."""
    return tuple(only) if only else tuple(rulesets.with_shipped(list(added))) if added else ()


def _check_writable(output: Path, force: bool) -> None:
    """Refuse a directory, or an existing file or link without --force, before any work is done (the
    write itself refuses again, atomically: see safeout)."""
    try:
        if output.is_dir():
            raise RemediesError("is a directory; name a file to write", file=str(output))
        if (output.exists() or output.is_symlink()) and not force:
            raise RemediesError("exists; refusing to overwrite it (use --force)", file=str(output))
    except OSError as exc:
        raise RemediesError(f"cannot write here: {os_problem(exc)}", file=str(output)) from None


def _write(text: str, output: Path | None, force: bool, fmt: str = "text") -> None:
    """Print, or write to a new file; never overwrite a user's file without --force.

    Text formats have their control characters escaped (JSON escapes its own)."""
    if fmt != "json":
        text = safeout.escape_controls(text)
    if output is None:
        click.echo(text, nl=False)
        return
    safeout.write_new(text, output, force)


# click checks no path: every file is read (or written) by one function that says what is wrong in one line
def rulesets_option(command: Callable[..., object]) -> Callable[..., object]:
    """--rulesets adds to the shipped rulesets; --only-rulesets replaces them (the old --rulesets)."""
    command = click.option("--only-rulesets", "only_rulesets", multiple=True, type=click.Path(path_type=Path, readable=False),
                           help="Directory or file of rulesets to use INSTEAD of the shipped ones (repeatable).")(command)
    return click.option("--rulesets", "ruleset_dirs", multiple=True, type=click.Path(path_type=Path, readable=False),
                        help="Directory or file of rulesets to ADD to the shipped ones (repeatable); one with "
                             "the id of a shipped ruleset replaces it.")(command)
format_option = click.option("--format", "fmt", type=click.Choice(report.FORMATS), default="text", show_default=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="remedies")
def cli() -> None:
    """Rules-as-code for the Housing Ombudsman's remedies guidance.

    Proposes, for every element of a complaint, a finding, a sum inside the right band,
    the orders that go with it and a trace citing the rule and source of every step.
    A proposal, never a determination.
    """


@cli.command()
@click.argument("facts_files", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False), metavar="FACTS...")
@click.option("--format", "fmt", type=click.Choice(report.FORMATS), default=None,
              help="The full assessment of each case [default: text; for several files on a terminal, "
                   "--summary table].")
@click.option("--summary", type=click.Choice(SUMMARIES), default=None,
              help="One row per element (case, landlord, element, topic, finding, amount, band, landlord offer, "
                   "redress outcome, total, warnings) instead of the full assessments.")
@click.option("--trace", type=click.Choice(TRACE_LEVELS), default="fired", show_default=True,
              help="fired: the rules that fired or changed something, and per decision the rule that came nearest "
                   "to firing and what it missed; full: every rule considered; none: no trace.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes [default: the cores available]; output is the same for any N.")
@click.option("--as-of", "as_of", callback=_as_date, metavar="DATE",
              help="Judge by the guidance in force on this date (default: the case's decided_on).")
@rulesets_option
@click.option("-o", "--output", type=click.Path(path_type=Path, readable=False),
              help="Write to this file instead of stdout.")
@click.option("--force", is_flag=True, help="Allow --output to replace an existing file.")
@click.option("--what-if/--no-what-if", "what_if", default=True, show_default=True,
              help="Say what would change each finding: the one-fact changes that move it, each found by "
                   "assessing the changed facts again (one to two hundred assessments a case; not tried for "
                   f"a case of over {MAX_SUBJECTS} elements and complaints, which the report says). Not in --summary.")
def assess(facts_files: tuple[Path, ...], fmt: str | None, summary: str | None, trace: str, jobs: int | None,
           as_of: date | None, ruleset_dirs: tuple[Path, ...], only_rulesets: tuple[Path, ...],
           output: Path | None, force: bool, what_if: bool) -> None:
    """Propose findings, sums and orders for the complaint(s) in FACTS: files, or directories
    searched recursively for *.yaml (YAML there that is not facts — no case: mapping, complaints:
    or resident: — is skipped, with a note).

    Every file is assessed even if others are bad; each bad file is one line on stderr and the
    exit code is then 2.
    """
    from .batch import inputs, runner
    from .batch.output import Sink

    if fmt and summary:
        raise click.UsageError("--format and --summary are alternatives: give one")
    sources = inputs.expand(list(facts_files))
    if not fmt and not summary and len(sources) > 1 and output is None and sys.stdout.isatty():
        summary = "table"
    if output is not None:
        _check_writable(output, force)
    library = _library(ruleset_dirs, only_rulesets)
    job = runner.Job(_ruleset_paths(ruleset_dirs, only_rulesets), as_of, fmt or "text", summary, trace,
                     what_if and not summary)
    sink = Sink(job, single=len(sources) == 1, stream=None if output else sys.stdout)
    bad = internal = skipped = 0
    with progress.bar(len(sources), "assessing") as advance:
        for outcome in runner.run(sources, job, library, jobs or runner.default_jobs()):
            advance(1)
            if outcome.status == "ok":
                sink.add(outcome)
            elif outcome.status == "skipped":
                skipped += 1
            else:
                bad += outcome.status == "bad"
                internal += outcome.status == "internal"
                click.echo(f"remedies: {'error: ' if outcome.status == 'bad' else ''}{safeout.escape_controls(outcome.message)}", err=True)
    text = sink.close()
    if output is not None:
        _write(text, output, force, fmt or "text")
    if skipped:
        click.echo(f"remedies: note: skipped {skipped} YAML file{'s' if skipped > 1 else ''} found in the "
                   f"directories given that {'are' if skipped > 1 else 'is'} not facts (rulesets, drafts, "
                   f"outcomes, test cases: no case: mapping, complaints: or resident:)", err=True)
    if not sink.count and not bad and not internal:
        raise RemediesError("no facts files (*.yaml with a case:) here" if len(facts_files) == 1 else
                            "no facts files (*.yaml with a case:) among the paths given",
                            file=str(facts_files[0]) if len(facts_files) == 1 else None)
    if internal or bad:
        raise click.exceptions.Exit(EXIT_INTERNAL if internal else EXIT_BAD_INPUT)


@cli.command(name="check")
@click.argument("draft_file", type=click.Path(path_type=Path, readable=False))
@click.option("--format", "fmt", type=click.Choice(check_render.FORMATS), default="text", show_default=True)
@rulesets_option
def check_draft(draft_file: Path, fmt: str, ruleset_dirs: tuple[Path, ...], only_rulesets: tuple[Path, ...]) -> None:
    """Check a draft determination in DRAFT_FILE: bands, totals, deductions, orders, paragraphs, and
    its findings against what the facts support. Exit 1 if any check finds an error."""
    library = _library(ruleset_dirs, only_rulesets)
    from .check import draft, review  # the draft model is built only when a draft is checked

    result = review.run(draft.load(draft_file, library.vocabulary), library)
    _write(check_render.render(result, fmt), None, False, fmt)
    if result["errors"]:
        raise click.exceptions.Exit(1)


@cli.command(name="fidelity")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="DIR...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json carries every figure and every per-element row.")
@click.option("--tolerance", "pounds", type=click.IntRange(min=0), default=100, show_default=True, metavar="POUNDS",
              help="A proposed sum agrees with the sum ordered if within this many pounds...")
@click.option("--tolerance-percent", "percent", type=click.IntRange(min=0), default=25, show_default=True,
              metavar="PCT", help="...or within this percentage of the sum ordered,")
@click.option("--percent-above", "above", type=click.IntRange(min=0), default=400, show_default=True,
              metavar="POUNDS", help="...where the sum ordered is over this.")
@click.option("--min-exact", type=click.FloatRange(0, 100), metavar="PCT",
              help="Exit 1 if fewer than PCT % of all elements get the published finding exactly.")
@click.option("--fit", "fit_specs", multiple=True, metavar="NAME=V1,V2,...",
              help="Also try these values of a numeric parameter (repeatable: every combination is tried) and "
                   "report findings exact and sums within tolerance for the shipped values, the best values in-sample, "
                   "and leave one case out.")
@click.option("--fit-ruleset", default="hos-remedies-guidance", show_default=True, metavar="ID",
              help="The ruleset whose parameters --fit varies.")
@click.option("--fit-hold", "hold_dirs", multiple=True, type=click.Path(path_type=Path), metavar="DIR",
              help="Cases (laid out like DIR...) that fitted values must keep: a combination that agrees with them "
                   "less well than the shipped values is never chosen. They are not scored (e.g. tests/seeds).")
@rulesets_option
def fidelity_cmd(dirs: tuple[Path, ...], fmt: str, pounds: int, percent: int, above: int, min_exact: float | None,
                 fit_specs: tuple[str, ...], fit_ruleset: str, hold_dirs: tuple[Path, ...],
                 ruleset_dirs: tuple[Path, ...], only_rulesets: tuple[Path, ...]) -> None:
    """Measure how far the proposals agree with published decisions, for a corpus of cases in DIR...

    Each case is a folder (at any depth) with facts.yaml, the published outcome.yaml and,
    optionally, the published determination as draft.yaml. The facts are assessed as
    `remedies assess` would, as of their decided_on, without reading the outcome; each
    proposed element is then compared, in order, with the outcome's elements. Measures,
    per case, per group (the folder holding the cases) and overall:

    \b
      finding exact      the proposed finding is the published one
      within one level   on no maladministration < service failure < maladministration
                         < severe maladministration; reasonable redress and outside
                         jurisdiction only when exact
      recall             per published finding, the share proposed exactly
      confusion          published (rows) x proposed (columns) counts
      amounts            the proposed sum is within the tolerance of the sum ordered for
                         the element; unknown (null) sums are not counted, but an element
                         found NM, RR or OJ with no sum stated counts as £0 ordered
      totals             the proposed total against total_ordered, same tolerance
      drafts             `remedies check` run on each draft.yaml: published determinations
                         on which it gives an error (each a false alarm)

    With --fit, numbers fitted to these cases are put to the honest test: each case is scored
    with the values that agree best with the other cases (leave one case out), for findings
    and for sums apart. With --fit-hold, only values that keep the held cases (the seeds a
    ruleset was built from) are chosen.

    A case whose files cannot be read or assessed is reported in one line (file:line:
    message) and counted; the others are still measured. Exit 0; 1 if below --min-exact;
    2 if any case was bad input.
    """
    from .fidelity import corpus, fit, measure, render  # only this command needs them

    library = _library(ruleset_dirs, only_rulesets)
    cases = corpus.discover(list(dirs))
    stderr = sys.stderr
    progress = None
    if stderr.isatty():
        def progress(i: int, n: int, label: str) -> None:
            stderr.write(f"\r\033[K[{i + 1}/{n}] {label}")
            stderr.flush()
    tolerance = measure.Tolerance(pounds, percent, above)
    grid = fit.parse_grid(fit_specs)
    if hold_dirs and not grid:
        raise InputError("--fit-hold: give the values to try with --fit NAME=V1,V2,...")
    held = corpus.discover(list(hold_dirs)) if hold_dirs else []
    result = measure.run(cases, library, tolerance, progress)
    if grid:
        result["fit"] = fit.leave_one_out(cases, library, fit_ruleset, grid, tolerance, progress, held)
    if progress:
        stderr.write("\r\033[K")
    text = render.render_json(result) if fmt == "json" else render.render_text(result, __version__)
    if grid and fmt == "text":
        text += "\n" + fit.render(result["fit"])
    click.echo(text, nl=False)
    if result["bad_input"]:
        raise click.exceptions.Exit(EXIT_BAD_INPUT)
    exact = result["overall"]["finding_exact"]["percent"]
    if min_exact is not None and (exact is None or exact < min_exact):
        raise click.exceptions.Exit(1)


@cli.command(name="verify")
@click.argument("ruleset_files", nargs=-1, type=click.Path(path_type=Path, readable=False),
                metavar="[RULESET_FILE]...")
@click.option("--examples", type=click.IntRange(min=1), default=50, show_default=True,
              help="Generated cases (or pairs of cases) per property.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for the generated cases: the same seed gives the same report.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Directory for counterexample facts files, named by content so a rerun never replaces "
                   "a different one (default: a new temporary directory).")
def verify_rulesets(ruleset_files: tuple[Path, ...], examples: int, seed: int, out_dir: Path | None) -> None:
    """Check that the rulesets are consistent: bands in order without overlap (or gaps, where a
    scale is contiguous), sums inside their bands, one finding per element, totals that add up,
    worse cases never earning less, better redress never raising the finding, and durable_rules
    agreeing with the reference interpreter, on generated cases.

    With no RULESET_FILE the shipped rulesets are checked. Given files or directories are
    checked with the shipped vocabulary and the shipped instruments that are not landlord
    policies (guidance, Code, Scheme), unless a given file has the same id; cases are then
    generated for the landlords of the given policies. So `remedies verify my-policy.yaml`
    checks a landlord's draft policy alongside the Ombudsman's. Each violation is printed with
    a facts file that reproduces it, and the `remedies assess` command to run it.
    Exit 0 if every property holds, 1 on a violation, 2 on bad input.
    """
    from .verify import properties  # hypothesis is imported only here: it costs a quarter second
    from .verify import render as verify_render

    paths, landlords = properties.selection(list(ruleset_files))
    library = _noted(rulesets.load(paths, strict=False))
    with progress.bar(len(properties.STATIC) + len(properties.DYNAMIC), "verifying") as advance:
        results = properties.run(library, examples, seed, landlords, advance)
    text, ok = verify_render.render(results, out_dir, seed, examples, len(library.rulesets), paths, landlords)
    click.echo(text, nl=False)
    if not ok:
        raise click.exceptions.Exit(1)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default answers this machine only.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@rulesets_option
def serve(host: str, port: int, ruleset_dirs: tuple[Path, ...], only_rulesets: tuple[Path, ...]) -> None:
    """Serve the engine over HTTP: at / a page where a caseworker builds a case's facts step by step
    and sees the proposal as they go; as JSON, POST /assess, POST /check, POST /report, POST /facts.yaml,
    GET /rulesets, GET /schema/{facts|draft|ruleset}, GET /health. Rulesets are loaded once, at start."""
    import uvicorn

    from .serve.app import create_app

    app = create_app(_library(ruleset_dirs, only_rulesets))
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


@cli.group(name="rulesets")
def rulesets_group() -> None:
    """What rulesets are loaded, in force when, from which source."""


@rulesets_group.command(name="list")
@click.option("--as-of", "as_of", callback=_as_date, metavar="DATE", help="Only rulesets in force on DATE.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@rulesets_option
def rulesets_list(as_of: date | None, fmt: str, ruleset_dirs: tuple[Path, ...], only_rulesets: tuple[Path, ...]) -> None:
    """List loaded rulesets (optionally those in force on a date)."""
    rows = rulesets.listing(_library(ruleset_dirs, only_rulesets), as_of)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        span = f"{row['effective_from']} → {row['effective_to'] or 'in force'}"
        click.echo(f"{row['id']:<26} {row['kind']:<19} {span:<26} {row['rules']:>3} rules  {row['title']}")


@rulesets_group.command(name="show")
@click.argument("ruleset_id")
@rulesets_option
def rulesets_show(ruleset_id: str, ruleset_dirs: tuple[Path, ...], only_rulesets: tuple[Path, ...]) -> None:
    """Show one ruleset: header, sources, dated parameters and rules."""
    library = _library(ruleset_dirs, only_rulesets)
    r = library.get(ruleset_id)
    s = r.spec
    click.echo(f"{s.title}\n  id {s.id} · {s.kind} · version {s.version} · {s.publisher}")
    click.echo(f"  in force {s.effective_from} → {s.effective_to or 'no end'} (selected by {s.in_force_by})"
               + (f"; supersedes {s.supersedes}" if s.supersedes else ""))
    if s.fallback:
        click.echo(f"  falls back to {s.fallback.ruleset}: {s.fallback.reason}")
    click.echo(f"  file {r.path} · sha256 {r.digest}")
    click.echo("Sources (evidence: " + "; ".join(f"{k} = {v}" for k, v in rulesets.EVIDENCE_NOTE.items()) + "):")
    for src in s.sources:
        click.echo(f"  {src.id} [{src.evidence}] {src.title}" + (f" <{src.url}>" if src.url else ""))
    if s.parameters:
        click.echo("Parameters:")
        for name, p in s.parameters.items():
            click.echo(f"  {name} ({p.unit}): {p.description}")
            for v in p.values:
                fig = f"£{v.min}–{'£' + str(v.max) if v.max is not None else 'no top'}" if v.min is not None else v.value
                src = r.source(v.source)
                click.echo(f"    {v.from_} → {v.to or 'no end'}: {fig}  [{v.evidence or src.evidence}: {v.source}]")
    if s.rules:
        click.echo("Rules:")
        for rule in s.rules:
            click.echo(f"  {rule.id} [{rule.stage}] {rule.statement}")


@cli.command()
@click.argument("what", type=click.Choice(["facts", "draft", "ruleset"]))
@rulesets_option
def schema(what: str, ruleset_dirs: tuple[Path, ...], only_rulesets: tuple[Path, ...]) -> None:
    """Print the JSON Schema of a facts, draft or ruleset file (for editors). The facts schema names
    every word the vocabulary allows, with its meaning, and the landlords with a policy."""
    if what == "facts":
        data = guide.facts_schema(_library(ruleset_dirs, only_rulesets))
    else:
        from .check import draft

        data = {"draft": draft.DraftFile, "ruleset": rulesets.RulesetFile}[what].model_json_schema(by_alias=True)
    click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))


@cli.command(name="vocabulary")
@click.argument("kind", required=False, metavar="[KIND]")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@rulesets_option
def vocabulary_cmd(kind: str | None, fmt: str, ruleset_dirs: tuple[Path, ...], only_rulesets: tuple[Path, ...]) -> None:
    """List the words a facts file may use, with their meanings: topics, failure_kinds, impacts,
    vulnerabilities, mitigations, other_bodies (KIND: one of these), and where each goes."""
    words = guide.descriptions(_library(ruleset_dirs, only_rulesets))
    if kind is not None and kind not in words:
        raise click.BadParameter(f"'{kind}' is not a kind of word; kinds: {', '.join(words)}", param_hint="KIND")
    chosen = {k: v for k, v in words.items() if kind in (None, k)}
    if fmt == "json":
        click.echo(json.dumps(chosen, indent=2, ensure_ascii=False))
        return
    for k, entries in chosen.items():
        where = ", ".join(".".join(p) for p, key in guide.WORD_FIELDS if key == k)
        click.echo(f"{k} (in {where}):")
        for word, text in entries.items():
            click.echo(f"  {word:<32} {text}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors are one line on stderr with exit code 2, never a traceback."""
    run: Callable[..., object] = cli.main
    try:
        # without standalone mode click returns, not raises, the code of a command's Exit (check, verify)
        code = run(args=argv, prog_name="remedies", standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:  # one line, like every other bad input; --help has the usage
        where = f"remedies {exc.ctx.info_name}: " if exc.ctx and exc.ctx.parent else "remedies: "
        click.echo(safeout.escape_controls(f"{where}error: {exc.format_message()} (see --help)")
                   .replace("\n", " "), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_BAD_INPUT)
    except click.exceptions.Abort:
        sys.exit(EXIT_BAD_INPUT)
    except RemediesError as exc:
        click.echo(safeout.escape_controls(f"remedies: error: {exc}").replace("\n", "\\n"), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:  # a bug, reported in one line; REMEDIES_DEBUG=1 shows the traceback
        if os.environ.get("REMEDIES_DEBUG"):
            raise
        click.echo(safeout.escape_controls(f"remedies: internal error: {type(exc).__name__}: {exc}")
                   .replace("\n", "\\n"), err=True)
        sys.exit(EXIT_INTERNAL)
