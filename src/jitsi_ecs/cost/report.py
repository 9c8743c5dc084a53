"""Print an estimate: items with their assumptions, the total, and the budgets it crosses."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from jitsi_ecs.cost.estimate import Estimate


def print_estimate(console: Console, est: Estimate, title: str = "Monthly cost estimate") -> None:
    table = Table(title=f"{title} ({est.region}, prices of {est.prices_date})")
    for col in ("component", "resource", "quantity", "unit price", "USD/month"):
        table.add_column(
            col, justify="right" if col in ("quantity", "unit price", "USD/month") else "left"
        )
    for item in sorted(est.items, key=lambda i: -i.monthly):
        table.add_row(
            item.component,
            item.resource.replace("module.", ""),
            f"{item.quantity:,.2f} {item.unit}",
            f"{item.unit_price:g}",
            f"{item.monthly:,.2f}",
        )
    console.print(table)
    console.print(f"[bold]Total: ${est.monthly_total:,.2f} per month[/]")
    print_budgets(console, est)
    console.print("Assumptions:")
    for note in dict.fromkeys(i.assumption for i in est.items if i.assumption):
        console.print(f"  - {note}")


def print_budgets(console: Console, est: Estimate) -> None:
    crossed = est.crossed()
    if not est.budgets:
        console.print("No budgets planned.")
    elif not crossed:
        console.print(f"Within every budget (lowest ${est.budgets[0]:g}).")
    elif len(crossed) == len(est.budgets):
        console.print(f"[bold red]Above every budget[/] (highest ${est.budgets[-1]:g}).")
    else:
        console.print(f"[yellow]Crosses the ${', $'.join(f'{b:g}' for b in crossed)} budget(s).[/]")
