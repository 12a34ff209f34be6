"""Reads a Comptoir lake with DuckDB and with PySpark, computes the all-time top-10
winners and the clients' lifetime revenues with SPEC §4's definitions, and compares
both with `comptoir report --window all --json`. Exit 0 when all three agree.

    python3 scripts/compare_engines.py LAKE_DIR REPORT.json

Definitions (SPEC §4, core/src/analytics/sql/winners.sql and clients.sql):
- each line's revenue = qty × unit_price and cost = qty × buy_price, rounded to
  cents half away from zero; stock adjustments (qty < 0 at unit price 0) are no
  sales and left out;
- revenue = Σ line revenues; profit = revenue − Σ line costs, for products that
  have a buy price only; rank by profit desc, revenue desc, product_id asc; when
  no sold product has a buy price, rank by revenue desc, product_id asc, profit
  unknown (null);
- lifetime revenue = opening revenue (total_revenue_generated, else 0) + Σ the
  client's line revenues.
Money is compared as text with two decimals, rounded half away from zero.
"""
import json
import sys
from decimal import ROUND_HALF_UP, Decimal


def money(x) -> str:
    return str(Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def with_duckdb(lake: str):
    import duckdb

    con = duckdb.connect()
    sales = f"read_parquet('{lake}/curated/sales/*/*/*.parquet', hive_partitioning = true)"
    products = f"read_parquet('{lake}/curated/products.parquet')"
    clients = f"read_parquet('{lake}/curated/clients.parquet')"
    line = "round(CAST(s.qty AS DECIMAL(38, 3)) * {}, 2)"
    winners = con.execute(
        f"""
        WITH s AS (SELECT s.product_id, sum({line.format('s.unit_price')}) AS revenue,
                          sum({line.format('p.buy_price')}) AS cost
                   FROM {sales} s LEFT JOIN {products} p USING (product_id)
                   WHERE NOT (s.qty < 0 AND s.unit_price = 0) GROUP BY s.product_id),
             basis AS (SELECT bool_or(cost IS NOT NULL) AS by_profit FROM s)
        SELECT product_id, revenue, CASE WHEN by_profit THEN revenue - cost END AS profit
        FROM s, basis
        WHERE cost IS NOT NULL OR NOT by_profit
        ORDER BY CASE WHEN by_profit THEN revenue - cost ELSE revenue END DESC, revenue DESC, product_id ASC
        LIMIT 10"""
    ).fetchall()
    lifetime = con.execute(
        f"""
        SELECT c.client_id, round(coalesce(c.total_revenue_generated, 0), 2) + coalesce(b.revenue, 0)
        FROM {clients} c
        LEFT JOIN (SELECT client_id, sum({line.format('s.unit_price')}) AS revenue FROM {sales} s
                   WHERE client_id IS NOT NULL GROUP BY client_id) b USING (client_id)"""
    ).fetchall()
    return [(p, money(r), None if pr is None else money(pr)) for p, r, pr in winners], {c: money(v) for c, v in lifetime}


def with_spark(lake: str):
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("comptoir-compare")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    sales = spark.read.parquet(f"{lake}/curated/sales")  # year=/month= partitions discovered
    products = spark.read.parquet(f"{lake}/curated/products.parquet")
    clients = spark.read.parquet(f"{lake}/curated/clients.parquet")
    # Spark's round() on decimals is HALF_UP: half away from zero.
    def cents(price):
        return F.round(F.col("qty").cast("decimal(38,3)") * F.col(price), 2)

    sold = sales.where(~((F.col("qty") < 0) & (F.col("unit_price") == 0)))
    per_product = (
        sold.join(products.select("product_id", "buy_price"), "product_id", "left")
        .groupBy("product_id")
        .agg(F.sum(cents("unit_price")).alias("revenue"), F.sum(cents("buy_price")).alias("cost"))
    )
    by_profit = per_product.where(F.col("cost").isNotNull()).limit(1).count() > 0
    if by_profit:
        ranked = (
            per_product.where(F.col("cost").isNotNull())
            .withColumn("profit", F.col("revenue") - F.col("cost"))
            .orderBy(F.col("profit").desc(), F.col("revenue").desc(), F.col("product_id").asc())
        )
    else:
        ranked = per_product.withColumn("profit", F.lit(None)).orderBy(F.col("revenue").desc(), F.col("product_id").asc())
    winners = ranked.limit(10).collect()
    bought = sales.where(F.col("client_id").isNotNull()).groupBy("client_id").agg(F.sum(cents("unit_price")).alias("revenue"))
    lifetime = (
        clients.join(bought, "client_id", "left")
        .select(
            "client_id",
            (F.round(F.coalesce(F.col("total_revenue_generated"), F.lit(0)), 2) + F.coalesce(F.col("revenue"), F.lit(0))).alias("lifetime"),
        )
        .collect()
    )
    result = (
        [(r.product_id, money(r.revenue), None if r.profit is None else money(r.profit)) for r in winners],
        {r.client_id: money(r.lifetime) for r in lifetime},
    )
    spark.stop()
    return result


def main() -> int:
    lake, report_path = sys.argv[1], sys.argv[2]
    report = json.load(open(report_path))
    expected_winners = [(w["product_id"], w["revenue"], w["profit"]) for w in report["winners"]]
    expected_clients = {c["client_id"]: c["lifetime_revenue"] for c in report["clients"]}
    failures = 0
    for name, engine in [("DuckDB", with_duckdb), ("PySpark", with_spark)]:
        winners, clients = engine(lake)
        same_winners = winners == expected_winners
        same_clients = clients == expected_clients
        print(f"{name}: top-10 winners {'equal' if same_winners else 'DIFFERENT'}, "
              f"{len(clients)} client lifetime revenues {'equal' if same_clients else 'DIFFERENT'}")
        if not same_winners:
            print(f"  {name}: {winners}\n  comptoir: {expected_winners}")
        if not same_clients:
            diff = {k: (clients.get(k), v) for k, v in expected_clients.items() if clients.get(k) != v}
            print(f"  first differences: {list(diff.items())[:5]}")
        failures += (not same_winners) + (not same_clients)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
