"""The `zwfw` command: index, serve, search, ask, eval, fit-qa, upsert, delete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from zwfw.core.errors import ZwfwError
from zwfw.core.settings import Settings, get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
DEMO_DATA = Path(__file__).resolve().parents[1] / "data" / "demo"

IndexDir = Annotated[
    Path | None, typer.Option("--index-dir", help="index directory (ZWFW_INDEX_DIR)")
]


def _settings(index_dir: Path | None) -> Settings:
    settings = get_settings()
    return settings.model_copy(update={"index_dir": index_dir}) if index_dir else settings


def _fail(exc: ZwfwError) -> typer.Exit:
    typer.secho(f"error: {exc.message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


def _build(settings: Settings, sources: list[Path]) -> None:
    from zwfw.indexer import build_index, load_sources
    from zwfw.runtime import build_tools

    loaded = load_sources(sources, settings.indexer.max_bad_share)
    for bad in loaded.bad:
        typer.secho(f"skipped {bad}", fg=typer.colors.YELLOW, err=True)
    segmenter, encoder = build_tools(settings)
    build = build_index(loaded.records, settings, encoder, segmenter, progress=True)
    typer.echo(f"indexed {len(loaded.records)} records ({len(loaded.bad)} skipped) into {build}")


@app.command()
def index(sources: list[Path], index_dir: IndexDir = None) -> None:
    """Build a new index from JSONL files or directories and switch to it atomically."""
    try:
        _build(_settings(index_dir), sources)
    except ZwfwError as exc:
        raise _fail(exc) from exc


@app.command()
def serve(
    index_dir: IndexDir = None,
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    demo: Annotated[
        bool, typer.Option(help="build the bundled demo catalogue first if no index")
    ] = False,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from zwfw.api import create_app
    from zwfw.ops import install_json_logging
    from zwfw.search.store import current_build

    settings = _settings(index_dir)
    stop_logging = install_json_logging()
    if demo and current_build(settings.index_dir) is None:
        try:
            _build(settings, [DEMO_DATA])
        except ZwfwError as exc:
            raise _fail(exc) from exc
    from zwfw.api.http_protocol import Utf8TargetH11Protocol

    try:
        uvicorn.run(
            create_app(settings),
            host=host or settings.api.host,
            port=port or settings.api.port,
            http=Utf8TargetH11Protocol,
            log_config=None,  # our JSON lines, not uvicorn's plain text
        )
    finally:
        stop_logging()


@app.command()
def search(
    query: str,
    index_dir: IndexDir = None,
    types: Annotated[str | None, typer.Option(help="item,app,faq,policy")] = None,
    size: int = 10,
) -> None:
    """Search from the command line and print the hits."""
    from zwfw.api.routes.search import parse_types
    from zwfw.runtime import load_runtime
    from zwfw.search import SearchFilters

    try:
        runtime = load_runtime(_settings(index_dir))
        page = runtime.search.search(query, SearchFilters(kinds=parse_types(types)), size=size)
    except ZwfwError as exc:
        raise _fail(exc) from exc
    typer.echo(f"{page.total} candidates in {page.took_ms} ms")
    for i, hit in enumerate(page.hits, start=1):
        typer.echo(f"{i:>2}. [{hit.type}] {hit.title}  ({hit.department}, {hit.region}) {hit.id}")


@app.command()
def ask(question: str, index_dir: IndexDir = None) -> None:
    """Ask the FAQ assistant and print its decision and answer."""
    from dataclasses import asdict

    from zwfw.runtime import load_runtime

    try:
        result = load_runtime(_settings(index_dir)).qa.ask(question)
    except ZwfwError as exc:
        raise _fail(exc) from exc
    typer.echo(json.dumps(asdict(result), ensure_ascii=False, indent=2))


@app.command("eval")
def evaluate(
    index_dir: IndexDir = None,
    items: Annotated[Path | None, typer.Option(help="item queries, items_dev.jsonl format")] = None,
    faq: Annotated[Path | None, typer.Option(help="FAQ queries, faq_dev.jsonl format")] = None,
    output: Annotated[Path | None, typer.Option(help="write the results as JSON here")] = None,
) -> None:
    """nDCG@10, recall@10 and MRR per query kind; FAQ top-1, recall@5 and answer decisions."""
    from zwfw.evaluation import eval_faq, eval_items, format_table, read_jsonl
    from zwfw.runtime import load_runtime

    if not items and not faq:
        raise typer.BadParameter("give --items and/or --faq")
    try:
        runtime = load_runtime(_settings(index_dir))
    except ZwfwError as exc:
        raise _fail(exc) from exc
    results: dict[str, object] = {}
    if items:
        results["items"] = item_results = eval_items(runtime.search, read_jsonl(items))
        typer.echo(format_table(item_results))
    if faq:
        results["faq"] = faq_results = eval_faq(runtime.qa, read_jsonl(faq))
        typer.echo(json.dumps(faq_results, ensure_ascii=False, indent=2))
    if output:
        output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


@app.command("fit-qa")
def fit_qa(
    index_dir: IndexDir = None,
    citizen: Annotated[
        Path | None, typer.Option(help="citizen messages JSONL: out-of-scope material")
    ] = None,
    items: Annotated[
        list[Path] | None, typer.Option(help="other regions' item catalogues (repeatable)")
    ] = None,
    labelled: Annotated[
        Path | None, typer.Option(help="labelled FAQ queries (faq_dev format), k-fold only")
    ] = None,
    output: Annotated[
        Path | None, typer.Option(help="where to write the model (default <index>/qa_model.json)")
    ] = None,
    oos_eval: Annotated[
        Path | None, typer.Option(help="also write the held-out out-of-scope questions here")
    ] = None,
    per_source: Annotated[
        int, typer.Option(help="out-of-scope questions fitted on, per source")
    ] = 700,
) -> None:
    """Fit the FAQ answer / clarify / hand-off classifier for the served catalogue."""
    from zwfw.core.records import Faq
    from zwfw.evaluation import read_jsonl
    from zwfw.qa.fit import fit_service, labelled_questions
    from zwfw.qa.outofscope import (
        citizen_questions,
        home_of,
        region_questions,
        sample,
        write_eval_set,
    )
    from zwfw.runtime import load_runtime

    settings = _settings(index_dir)
    try:
        runtime = load_runtime(settings)
    except ZwfwError as exc:
        raise _fail(exc) from exc
    faqs = [f for f in runtime.index.docs.iter_kind("faq") if isinstance(f, Faq)]
    home = home_of(faqs)
    material = [
        *(citizen_questions(citizen) if citizen else ()),
        *region_questions(items or [], home),
    ]
    if oos_eval:
        n = write_eval_set(material, oos_eval)
        typer.echo(f"{n} held-out out-of-scope questions → {oos_eval}")
    model = fit_service(
        runtime.qa,
        faqs,
        sample((q for q in material if q.half == "fit"), per_source),
        labelled_questions(read_jsonl(labelled)) if labelled else (),
        progress=lambda i: typer.echo(f"  {i} questions", err=True),
    )
    target = output or settings.index_dir / "qa_model.json"
    model.save(target)
    typer.echo(json.dumps(model.meta, ensure_ascii=False, indent=1))
    typer.echo(f"wrote {target} ({target.stat().st_size} bytes)")


@app.command()
def upsert(sources: list[Path], index_dir: IndexDir = None) -> None:
    """Add or replace the records of JSONL files in the serving index, without a rebuild."""
    from zwfw.indexer import load_sources
    from zwfw.runtime import load_runtime

    try:
        settings = _settings(index_dir)
        loaded = load_sources(sources, settings.indexer.max_bad_share)
        runtime = load_runtime(settings)
        runtime.upsert(loaded.records)
        runtime.close()
    except ZwfwError as exc:
        raise _fail(exc) from exc
    typer.echo(f"upserted {len(loaded.records)} records ({len(loaded.bad)} skipped)")


@app.command()
def delete(
    keys: Annotated[list[str], typer.Argument(help="kind:id, e.g. faq:faq-12")],
    index_dir: IndexDir = None,
) -> None:
    """Delete documents from the serving index, without a rebuild."""
    from zwfw.runtime import load_runtime

    try:
        runtime = load_runtime(_settings(index_dir))
        runtime.delete(keys)
        runtime.close()
    except ZwfwError as exc:
        raise _fail(exc) from exc
    typer.echo(f"deleted {len(keys)} documents")


@app.command("hash-token")
def hash_token_command(token: str) -> None:
    """Print the settings form of an administrator token (for ZWFW_ADMIN__TOKEN_HASHES)."""
    from zwfw.api.auth import hash_token

    typer.echo(hash_token(token))


if __name__ == "__main__":
    app()
