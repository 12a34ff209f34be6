"""Reads a Comptoir lake with DuckDB and with PySpark, computes the all-time top-10
winners and the clients' lifetime revenues with SPEC §4's definitions, and compares
both with `comptoir report --window all --json`. Exit 0 when all three agree.

    python3 scripts/compare_engines.py LAKE_DIR REPORT.json

Definitions (SPEC §4, core/src/sql/winners.sql and clients.sql):
- revenue = Σ qty × unit_price; profit = revenue − Σ qty × buy_price, for products
  that have a buy price only; rank by profit desc, revenue desc, product_id asc.
- lifetime revenue = opening revenue (total_revenue_generated, else 0) + Σ the
  client's invoice lines' qty × unit_price.
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
    winners = con.execute(
        f"""
        WITH s AS (SELECT product_id, sum(qty) AS qty, sum(qty * unit_price) AS revenue FROM {sales} GROUP BY product_id)
        SELECT s.product_id, s.revenue, s.revenue - s.qty * p.buy_price AS profit
        FROM s JOIN {products} p USING (product_id)
        WHERE p.buy_price IS NOT NULL
        ORDER BY profit DESC, s.revenue DESC, s.product_id ASC LIMIT 10"""
    ).fetchall()
    lifetime = con.execute(
        f"""
        SELECT c.client_id, coalesce(c.total_revenue_generated, 0) + coalesce(b.revenue, 0)
        FROM {clients} c
        LEFT JOIN (SELECT client_id, sum(qty * unit_price) AS revenue FROM {sales}
                   WHERE client_id IS NOT NULL GROUP BY client_id) b USING (client_id)"""
    ).fetchall()
    return [(p, money(r), money(pr)) for p, r, pr in winners], {c: money(v) for c, v in lifetime}


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
    per_product = sales.groupBy("product_id").agg(
        F.sum("qty").alias("qty"), F.sum(F.col("qty") * F.col("unit_price")).alias("revenue")
    )
    winners = (
        per_product.join(products.select("product_id", "buy_price"), "product_id")
        .where(F.col("buy_price").isNotNull())
        .withColumn("profit", F.col("revenue") - F.col("qty") * F.col("buy_price"))
        .orderBy(F.col("profit").desc(), F.col("revenue").desc(), F.col("product_id").asc())
        .limit(10)
        .collect()
    )
    bought = (
        sales.where(F.col("client_id").isNotNull())
        .groupBy("client_id")
        .agg(F.sum(F.col("qty") * F.col("unit_price")).alias("revenue"))
    )
    lifetime = (
        clients.join(bought, "client_id", "left")
        .select(
            "client_id",
            (F.coalesce(F.col("total_revenue_generated"), F.lit(0)) + F.coalesce(F.col("revenue"), F.lit(0))).alias("lifetime"),
        )
        .collect()
    )
    result = [(r.product_id, money(r.revenue), money(r.profit)) for r in winners], {r.client_id: money(r.lifetime) for r in lifetime}
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
