-- Adds invoices' sales to the aggregates the analytics read (schema_v4.sql),
-- from two temporary views: `sales_lines` (import_id, ts, product_id, qty,
-- unit_price: a line with its invoice's time) and `sales_invoices`
-- (import_id, ts, client_id, revenue: an invoice with the sum of its lines'
-- revenues). Both show the written invoices of one import or of all
-- (database.rs `add_sales_aggregates`); an import takes each invoice's
-- revenue from the sums its checks made (`add_staged_sales_aggregates`). The
-- variable `aggregate_import` is the import whose sales these are, NULL when
-- they are all the store's. Each
-- line's revenue is rounded to cents (half away from zero, macros.sql `cents`)
-- before it is summed (SPEC §4); lines are grouped by their quantity so
-- that each line's cost can be rounded the same way at report time; stock
-- adjustments (qty < 0 at unit price 0) are flagged; an invoice counts only
-- when its revenue is positive (credit notes and pure adjustments do not).
INSERT INTO sales_product_day
SELECT import_id, CAST(ts AS DATE), product_id, qty, qty < 0 AND unit_price = 0,
       count(*), sum(qty), sum(cents(qty, unit_price))
FROM sales_lines
GROUP BY ALL
-- in date order, so that a window's query skips the row groups of other days
-- (within a day any order does: sorting on the product too cost ~15 %)
ORDER BY 2;
INSERT INTO sales_client_day
SELECT import_id, CAST(ts AS DATE), client_id, sum(revenue), count(*) FILTER (WHERE revenue > 0)
FROM sales_invoices
GROUP BY ALL
ORDER BY 2;
DROP VIEW sales_lines;
DROP VIEW sales_invoices;
-- The months whose figures change (product_months.sql runs next).
SET VARIABLE months_from = (SELECT min(sale_date) FROM sales_product_day
                            WHERE getvariable('aggregate_import') IS NULL OR import_id = getvariable('aggregate_import'));
SET VARIABLE months_to = (SELECT max(sale_date) FROM sales_product_day
                          WHERE getvariable('aggregate_import') IS NULL OR import_id = getvariable('aggregate_import'));
-- The products whose days changed (product_months.sql).
CREATE OR REPLACE TEMP TABLE changed_products AS
SELECT DISTINCT product_id FROM sales_product_day
WHERE getvariable('aggregate_import') IS NULL OR import_id = getvariable('aggregate_import');
