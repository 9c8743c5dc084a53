"""`jitsi-ecs cost [--json] [--compare] [--refresh-prices]`: what the planned stack will cost."""

from __future__ import annotations

import json

from rich.table import Table

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import prepared, target
from jitsi_ecs.config import load_config
from jitsi_ecs.cost.levers import compare
from jitsi_ecs.cost.prices import load_snapshot, price_book, user_snapshot_path
from jitsi_ecs.cost.refresh import refresh
from jitsi_ecs.cost.report import print_estimate
from jitsi_ecs.errors import EXIT_OK, AwsError, UsageError
from jitsi_ecs.planning import planned
from jitsi_ecs.ui import err, out, print_json
from jitsi_ecs.workspace import write_private


def print_compare(rows: list[dict[str, object]]) -> None:
    table = Table(title="Cost levers against the current config")
    for col in ("lever", "what changes", "USD/month", "saving"):
        table.add_column(col, justify="right" if col in ("USD/month", "saving") else "left")
    for row in rows:
        table.add_row(
            str(row["lever"]),
            str(row["change"]),
            f"{row['monthly_total']:,.2f}",
            f"{row['saving']:,.2f}",
        )
    out.print(table)


def refresh_prices(g: Globals) -> int:
    config = load_config(g.config_path)
    aws = target(g).connect(config, start=False)
    path = user_snapshot_path()
    try:
        with err.status(f"Reading {config.region} prices from the AWS Price List API..."):
            updated = refresh(aws, load_snapshot(), config.region)
    except AwsError as exc:  # bad input or environment (permissions, network): exit 2
        raise UsageError(exc.message, hint=exc.hint) from None
    write_private(path, json.dumps(updated, indent=2) + "\n")
    err.print(f"Wrote {path} ({config.region}, {updated['date']}); estimates now use it.")
    return EXIT_OK


def run(g: Globals, as_json: bool, with_compare: bool, refresh_first: bool) -> int:
    if refresh_first:
        return refresh_prices(g)
    stack = prepared(g, "cost")
    book = price_book(stack.config.region)  # unknown region: a clear error before planning
    if with_compare:
        with err.status("terraform plan, once per lever..."):
            rows = compare(stack, book)
        print_json(rows) if as_json else print_compare(rows)
        return EXIT_OK
    with err.status("terraform plan..."), planned(stack) as (_, est):
        pass
    print_json(est.as_json()) if as_json else print_estimate(out, est)
    return EXIT_OK
