"""`jitsi-ecs cost [--json] [--compare] [--refresh-prices]`: what the planned stack will cost."""

from __future__ import annotations

from rich.table import Table

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import prepared
from jitsi_ecs.config import load_config
from jitsi_ecs.cost.levers import compare
from jitsi_ecs.cost.prices import load_snapshot, price_book, write_user_snapshot
from jitsi_ecs.cost.refresh import check_region, price_list_region, pricing_client, refresh
from jitsi_ecs.cost.report import print_estimate
from jitsi_ecs.errors import EXIT_OK
from jitsi_ecs.planning import planned
from jitsi_ecs.ui import err, out, print_json


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
    """Price the config's region from the Price List API, which is public AWS: always read with
    the normal AWS credential chain in a Price List region, whatever --target says. Every
    failure is a UsageError (exit 2); the result goes to the user's cache only."""
    config = load_config(g.config_path)
    check_region(config.region)  # before any AWS call
    api_region = price_list_region(config.region)
    with err.status(
        f"Reading {config.region} prices from the AWS Price List API ({api_region})..."
    ):
        updated = refresh(load_snapshot(), config.region, pricing_client(api_region))
    path = write_user_snapshot(updated)
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
