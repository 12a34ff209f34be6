-- Data quality: what the numbers cannot see. adjustment_lines = stock
-- adjustments (qty < 0 at unit price 0) in the window: not sales.
CREATE OR REPLACE MACRO data_quality(d_from, d_to) AS TABLE
WITH uncosted AS (
    SELECT coalesce(sum(lines), 0) AS lines, coalesce(sum(revenue), 0) AS revenue
    FROM product_sales(d_from, d_to) WHERE buy_price IS NULL
)
SELECT
    (SELECT lines FROM uncosted)                                                               AS lines_without_cost,
    (SELECT revenue FROM uncosted)                                                             AS revenue_without_cost,
    (SELECT coalesce(max_by(rejected, import_id), 0) FROM imports WHERE undone_at IS NULL)     AS rejected_rows_last_import,
    (SELECT count(*) FROM products WHERE from_sales)                                           AS products_unknown_to_products_sheet,
    (SELECT count(*) FROM products WHERE buy_price IS NULL)                                    AS products_without_cost,
    (SELECT coalesce(sum(lines), 0) FROM sales_product_day
     WHERE adjustment AND sale_date BETWEEN d_from AND d_to)                                  AS adjustment_lines;
