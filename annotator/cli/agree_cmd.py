"""``annotator agree``: inter-annotator agreement, as a table, JSON, or a plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from annotator.cli.common import db_option, fail, open_store, user_errors
from annotator.core.agreement import agreement, labels_used, marked
from annotator.core.evaluate import EVENT_METRICS
from annotator.core.labels import load_labels
from annotator.core.schema import load_schema
from annotator.store.team import agreement_docs


def _pair_f1(score: dict[str, Any]) -> float | None:
    """A pair's F1, or None (shown "-") when neither of the two marked anything it counts."""
    return score["f1"] if marked(score) else None


def _f(x: float | None) -> str:
    # rounded first: -0.0001 is "0.000", not "-0.000"
    return "     -" if x is None else f"{round(x, 3) + 0.0:6.3f}"


def _on(full: int, done: int, who: str) -> str:
    """The base of a figure: the articles done by ``who``, less those whose entity gold
    is partial (entity figures leave them out)."""
    if full == done:
        return f"on the {done:,} articles done by {who}"
    return f"on the {full:,} of the {done:,} articles done by {who} with full entity gold"


def _overall(report: dict[str, Any]) -> list[str]:
    """The overall figures, each with the articles it is computed on."""
    o, n = report["overall"], len(report["annotators"])
    everyone = "both" if n == 2 else f"all {n}"
    shared = shared_base(o)
    kappa = f"Fleiss κ {_f(o['fleiss_kappa']).strip()}"
    alpha = f"Krippendorff α (tokens) {_f(o['alpha_nominal']).strip()}"
    alpha_u = f"α_U (spans) {_f(o['alpha_unitizing']).strip()}"
    lines = ["Overall:"]
    if n == 2:
        lines.append(f"  {kappa}, {alpha}, {alpha_u}: {_on(*shared, everyone)}")
    else:
        lines.append(f"  {kappa}, {alpha_u}: {_on(*shared, everyone)}")
        two = (o["articles_two_or_more_full_entities"], o["articles_two_or_more"])
        lines.append(f"  {alpha}: {_on(*two, 'two or more')}")
    pairs = len(report["pairs"])
    means = "the pair" if pairs == 1 else f"mean of the {pairs} pairs, each"
    lines.append(
        f"  {means} on the articles both did ('arts'): "
        f"Cohen κ {_f(o['mean_cohen_kappa']).strip()}, span F1 exact "
        f"{_f(o['mean_span_f1_exact']).strip()}, overlap {_f(o['mean_span_f1_overlap']).strip()}"
    )
    return lines


def render(report: dict[str, Any]) -> str:
    o = report["overall"]
    n = len(report["annotators"])
    lines = [
        f"Agreement of {', '.join(report['annotators'])} on {report['articles']:,} articles "
        f"done by one or more ({o['articles_two_or_more']:,} by two or more, "
        f"{o['articles_all_annotators']:,} by {'both' if n == 2 else 'all'})"
        + (f", label {report['label']}" if report["label"] else ""),
        f"Tokens: {report['tokenisation']}",
        "",
        *_overall(report),
        "",
        f"  {'pair':<24} {'arts':>5} {'F1 ex':>6} {'F1 ov':>6} {'κ':>6} {'α':>6} {'α_U':>6}"
        f" {'trig':>6} {'args':>6}",
    ]
    for p in report["pairs"]:
        ev = p["events"]
        lines.append(
            f"  {' – '.join(p['annotators']):<24} {p['articles']:>5} "
            f"{_f(p['span_exact']['f1'])} {_f(p['span_overlap']['f1'])} {_f(p['cohen_kappa'])} "
            f"{_f(p['alpha_nominal'])} {_f(p['alpha_unitizing'])} "
            f"{_f(_pair_f1(ev['trigger_classification']))} "
            f"{_f(_pair_f1(ev['argument_classification']))}"
        )
    fewer = [p for p in report["pairs"] if p["articles_with_entities"] != p["articles"]]
    if fewer:
        lines.append(
            "  (span F1, κ, α and α_U of a pair leave out articles with partial entity gold: "
            + ", ".join(
                f"{' – '.join(p['annotators'])} on {p['articles_with_entities']:,}" for p in fewer
            )
            + ")"
        )
    base = _on(*shared_base(o), "both" if n == 2 else "all")
    lines += ["", f"Per label (F1 and κ: mean of the pairs; α_U {base}):"]
    lines += [f"  {'label':<24} {'F1 ex':>6} {'F1 ov':>6} {'κ':>6} {'α_U':>6}"]
    for label, x in o["labels"].items():
        lines.append(
            f"  {label:<24} {_f(x['mean_span_f1_exact'])} {_f(x['mean_span_f1_overlap'])} "
            f"{_f(x['mean_cohen_kappa'])} {_f(x['alpha_unitizing'])}"
        )
    lines += ["", "Events (mean pairwise F1):"]
    lines += [f"  {name:<30} {_f(o['events'][key])}" for key, name in EVENT_METRICS]
    low = sorted(
        (a for a in report["articles_detail"] if a["span_f1_exact"] is not None),
        key=lambda a: a["span_f1_exact"],
    )[:10]
    if low:
        lines += ["", "Articles with the lowest span agreement (F1 exact, κ):"]
        lines += [
            f"  {a['article_id']:>8}  {_f(a['span_f1_exact'])} {_f(a['cohen_kappa'])}  "
            f"{', '.join(a['annotators'])}"
            for a in low
        ]
    return "\n".join(lines)


def shared_base(o: dict[str, Any]) -> tuple[int, int]:
    return o["articles_all_annotators_full_entities"], o["articles_all_annotators"]


def plot(report: dict[str, Any], path: Path) -> None:
    """A heatmap of pairwise Cohen's κ and span F1, and per-label bars (PNG, no Qt)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = report["annotators"]
    n = len(names)
    kappa, f1 = np.full((n, n), np.nan), np.full((n, n), np.nan)
    for p in report["pairs"]:
        i, j = (names.index(w) for w in p["annotators"])
        for m, v in ((kappa, p["cohen_kappa"]), (f1, p["span_exact"]["f1"])):
            m[i, j] = m[j, i] = np.nan if v is None else v
    np.fill_diagonal(kappa, 1.0)
    np.fill_diagonal(f1, 1.0)
    labels = report["overall"]["labels"]
    fig, axes = plt.subplots(1, 3, figsize=(16, 5), gridspec_kw={"width_ratios": [1, 1, 1.6]})
    for ax, matrix, title in (
        (axes[0], kappa, "Cohen's κ (tokens)"),
        (axes[1], f1, "span F1 (exact)"),
    ):
        im = ax.imshow(matrix, vmin=0, vmax=1, cmap="viridis")
        ax.set_xticks(range(n), names, rotation=45, ha="right")
        ax.set_yticks(range(n), names)
        ax.set_title(title)
        for i in range(n):
            for j in range(n):
                if not np.isnan(matrix[i, j]):
                    ax.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", color="w")
    fig.colorbar(im, ax=axes[:2].tolist(), shrink=0.8)
    ax = axes[2]
    x = np.arange(len(labels))
    for k, (key, name) in enumerate(
        (("mean_span_f1_exact", "F1 exact"), ("mean_cohen_kappa", "κ"), ("alpha_unitizing", "α_U"))
    ):
        values = [np.nan if v[key] is None else v[key] for v in labels.values()]
        ax.bar(x + (k - 1) * 0.27, values, width=0.27, label=name)
    ax.set_xticks(x, list(labels), rotation=45, ha="right")
    ax.set_ylim(0, 1)
    ax.set_title("Per label")
    ax.legend()
    fig.suptitle(f"Agreement on {report['articles']:,} articles")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


def check_label(label: str, docs: list) -> None:
    """``--label`` must be a label someone used or one of the label set's (or an event
    type): a typo gave a report of dashes, and "agreement" 1.000 on every article."""
    spans, kinds = labels_used(docs)
    if label in spans | kinds:
        return
    try:
        known = set(load_labels().names) | set(load_schema().type_names)
    except ValueError:  # a broken bundled file is reported where it is used
        known = set()
    if label in known:
        return
    used = ", ".join(sorted(spans)) or "none"
    types = f"; event types: {', '.join(sorted(kinds))}" if kinds else ""
    fail(
        f"--label {label}: no annotator used it and the label set has no such label; "
        f"labels used: {used}{types}",
        code=2,
    )


@click.command("agree")
@db_option
@click.option(
    "--annotators",
    default=None,
    help="Comma-separated names (default: everyone but the adjudicator 'gold').",
)
@click.option("--label", default=None, help="Only this entity label (or event type).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a PNG: pairwise heatmaps and per-label bars.",
)
@user_errors
def agree_cmd(
    db: Path | None,
    annotators: str | None,
    label: str | None,
    as_json: bool,
    plot_path: Path | None,
) -> None:
    """Inter-annotator agreement on the articles annotators marked done: pairwise and
    overall, per label and per article — span F1 (exact and overlap), Cohen's and Fleiss'
    κ and Krippendorff's α on tokens (regex tokens, no spaCy model needed), Krippendorff's
    unitizing α_U on spans, and ACE trigger/argument agreement for events."""
    names = [n.strip() for n in annotators.split(",")] if annotators else None
    with open_store(db, create=False) as store:
        docs, names = agreement_docs(store, names)
    if len(names) < 2:
        fail("agreement needs two or more annotators (name them with --annotators)")
    idle = [n for n in names if not any(n in d.versions for d in docs)]
    if idle:  # named, but nothing of theirs is done: say so, not only "no article"
        click.echo(
            f"note: no article marked done by {', '.join(map(repr, idle))}"
            " (a name misspelt, or no work yet)",
            err=True,
        )
    if not any(len(d.versions) >= 2 for d in docs):
        fail(f"no article was marked done by two of {', '.join(names)} yet")
    if label is not None:
        check_label(label, docs)
    report = agreement(docs, names, label=label)
    if plot_path is not None:
        plot(report, plot_path)
    click.echo(json.dumps(report, indent=2, ensure_ascii=False) if as_json else render(report))
    if plot_path is not None and not as_json:
        click.echo(f"\nPlot: {plot_path}")
