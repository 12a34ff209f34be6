#!/usr/bin/env python3
"""Independent computation of the Online Retail figures asserted by
core/tests/core/online_retail.rs, with Python's csv and decimal modules only
(no Comptoir code, no SQL), straight from SPEC §4:

- a line's revenue = Quantity × UnitPrice and its cost = Quantity × buy_price,
  each rounded to cents half away from zero (ROUND_HALF_UP in `decimal`);
- stock adjustments (Quantity < 0 at UnitPrice 0) are not sales: out of
  revenue, cost, profit, units and winners, counted as adjustment lines;
- invoices (KPI) = invoices of the window whose revenue is positive;
- winners: highest profit, ties → higher revenue, then product id; when no
  line of the window has a cost, by revenue (profit unknown);
- as_of = the latest invoice date; month = as_of − 29 … as_of.

Input: the 305 daily CSV files in core/tests/data/online-retail/by-day.zip
(the same bytes the Rust test imports) and, for the figures "with costs",
core/tests/data/online-retail/costs.csv (a Products file: product_id, name,
buy_price), imported by the test after the sales.

  python3 scripts/independent_report.py            # print the figures (JSON)
  python3 scripts/independent_report.py --check    # compare with expected.json
  python3 scripts/independent_report.py --write    # (re)write expected.json
  python3 scripts/independent_report.py --write-costs   # (re)make costs.csv

expected.json is what the Rust test compares Comptoir's report with.
"""
import csv
import datetime as dt
import io
import json
import sys
import zipfile
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "core" / "tests" / "data" / "online-retail"
CENT = Decimal("0.01")


def cents(x: Decimal) -> Decimal:
    """Rounded to cents, half away from zero (ROUND_HALF_UP is away from zero in `decimal`)."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def money(x: Decimal) -> str:
    return str(cents(x))


def read_lines():
    """Every row of the 305 daily files, in file order, as dicts."""
    rows = []
    with zipfile.ZipFile(DATA / "by-day.zip") as z:
        names = sorted(n for n in z.namelist() if n.endswith(".csv"))
        assert len(names) == 305, len(names)
        for name in names:
            text = z.read(name).decode("utf-8")
            for r in csv.DictReader(io.StringIO(text, newline="")):
                rows.append(r)
    return rows


def customer(raw: str):
    raw = raw.strip()
    if not raw:
        return None
    return raw[:-2] if raw.endswith(".0") else raw


def read_costs():
    costs = {}
    with open(DATA / "costs.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            costs[r["product_id"]] = Decimal(r["buy_price"])
    return costs


def figures(rows, costs):
    # An invoice's date is the date of its first line (the store keeps one timestamp per invoice).
    invoice_day = {}
    for r in rows:
        invoice_day.setdefault(r["InvoiceNo"], dt.date.fromisoformat(r["InvoiceDate"][:10]))
    as_of = max(invoice_day.values())

    def window(first, last, with_costs):
        revenue = profit = costed_revenue = Decimal(0)
        units = 0
        adjustments = lines_without_cost = 0
        invoice_revenue = defaultdict(Decimal)
        per_product = defaultdict(lambda: [0, Decimal(0), Decimal(0), False])  # qty, revenue, cost, costed
        for r in rows:
            day = invoice_day[r["InvoiceNo"]]
            if not first <= day <= last:
                continue
            qty, price = int(r["Quantity"]), Decimal(r["UnitPrice"])
            if qty < 0 and price == 0:
                adjustments += 1
                continue
            code = r["StockCode"].strip()
            line_revenue = cents(qty * price)
            revenue += line_revenue
            units += qty
            invoice_revenue[r["InvoiceNo"]] += line_revenue
            p = per_product[code]
            p[0] += qty
            p[1] += line_revenue
            buy = costs.get(code) if with_costs else None
            if buy is None:
                lines_without_cost += 1
            else:
                line_cost = cents(qty * buy)
                p[2] += line_cost
                p[3] = True
                profit += line_revenue - line_cost
                costed_revenue += line_revenue
        invoices = sum(1 for v in invoice_revenue.values() if v > 0)
        any_cost = any(p[3] for p in per_product.values())
        if any_cost:
            ranked = sorted(
                ((code, p) for code, p in per_product.items() if p[3]),
                key=lambda cp: (-(cp[1][1] - cp[1][2]), -cp[1][1], cp[0]),
            )
        else:
            ranked = sorted(per_product.items(), key=lambda cp: (-cp[1][1], cp[0]))
        top = [
            {
                "rank": i + 1,
                "product_id": code,
                "quantity": str(p[0]),
                "revenue": money(p[1]),
                "profit": money(p[1] - p[2]) if any_cost else None,
            }
            for i, (code, p) in enumerate(ranked[:10])
        ]
        basket = money(revenue / invoices) if invoices else None
        return {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "revenue": money(revenue),
            "profit": money(profit) if any_cost else None,
            "margin_rate": str((profit / costed_revenue).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)) if costed_revenue else None,
            "invoices": invoices,
            "average_basket": basket,
            "units_sold": str(units),
            "adjustment_lines": adjustments,
            "lines_without_cost": lines_without_cost,
            "ranked_by": "profit" if any_cost else "revenue",
            "winners": top,
            # products sold at a loss in the window (no sell_price in these
            # files: no margin rate, so negative profit is the only reason)
            "losers": sorted(code for code, p in per_product.items() if p[3] and p[1] - p[2] < 0),
        }

    first_day = min(invoice_day.values())
    month = (as_of - dt.timedelta(days=29), as_of)
    lifetime = defaultdict(Decimal)
    for r in rows:
        c = customer(r["CustomerID"])
        if c is not None:
            lifetime[c] += cents(int(r["Quantity"]) * Decimal(r["UnitPrice"]))
    top_client = sorted(lifetime.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return {
        "as_of": as_of.isoformat(),
        "lines": len(rows),
        "without_costs": {
            "all": window(first_day, as_of, False),
            "month": window(*month, False),
            "top_client": {"client_id": top_client[0], "lifetime_revenue": money(top_client[1])},
        },
        "with_costs": {"month": window(*month, True)},
    }


def write_costs(rows):
    """A Products file for the products whose code starts with a digit: buy
    price = 55 % of the code's most frequent positive UnitPrice, to 4 decimals,
    so that a line's cost (qty × buy) often has more than 2 decimals."""
    prices, names = defaultdict(Counter), defaultdict(Counter)
    for r in rows:
        code = r["StockCode"].strip()
        if not code[:1].isdigit():
            continue
        price = Decimal(r["UnitPrice"])
        if price > 0:
            prices[code][price] += 1
        if r["Description"].strip():
            names[code][r["Description"].strip()] += 1
    with open(DATA / "costs.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["product_id", "name", "buy_price"])
        for code in sorted(prices):
            price = sorted(prices[code].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            name = sorted(names[code].items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if names[code] else code
            w.writerow([code, name, (price * Decimal("0.55")).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)])


def main(argv):
    rows = read_lines()
    if "--write-costs" in argv:
        write_costs(rows)
        return 0
    got = figures(rows, read_costs())
    text = json.dumps(got, indent=2, ensure_ascii=False) + "\n"
    expected_path = DATA / "expected.json"
    if "--write" in argv:
        expected_path.write_text(text, encoding="utf-8")
    elif "--check" in argv:
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        if expected != got:
            print("independent_report: the figures differ from expected.json", file=sys.stderr)
            print(text, file=sys.stderr)
            return 1
        m = got["with_costs"]["month"]
        print(
            f"independent_report: expected.json re-derived ({got['lines']} lines; month with costs: "
            f"profit {m['profit']}, {m['invoices']} invoices, {m['adjustment_lines']} adjustment lines)"
        )
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
