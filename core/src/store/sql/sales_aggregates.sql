-- Adds invoices' sales to the aggregates the analytics read (schema_v4.sql).
-- The variable `aggregate_import` picks the invoices: those of import N after
-- import N (the lines filter lets DuckDB skip older row groups; the variable
-- is a constant when the query is bound), NULL to rebuild everything. Each
-- line's revenue is rounded to cents (half away from zero, macros.sql `cents`)
-- before it is summed (SPEC §4); lines are grouped by their quantity so
-- that each line's cost can be rounded the same way at report time; stock
-- adjustments (qty < 0 at unit price 0) are flagged; an invoice counts only
-- when its revenue is positive (credit notes and pure adjustments do not).
INSERT INTO sales_product_day
SELECT i.import_id, CAST(i.ts AS DATE), l.product_id, l.qty, l.qty < 0 AND l.unit_price = 0,
       count(*), sum(l.qty), sum(cents(l.qty, l.unit_price))
FROM invoice_lines l JOIN invoices i USING (invoice_id)
WHERE getvariable('aggregate_import') IS NULL
   OR (i.import_id = getvariable('aggregate_import') AND l.import_id = getvariable('aggregate_import'))
GROUP BY ALL
-- in date order, so that a window's query skips the row groups of other days
ORDER BY 2, 3;
INSERT INTO sales_client_day
SELECT import_id, sale_date, client_id, sum(revenue), count(*) FILTER (WHERE revenue > 0)
FROM (SELECT i.import_id, CAST(i.ts AS DATE) AS sale_date, i.client_id, i.invoice_id,
             sum(cents(l.qty, l.unit_price)) AS revenue
      FROM invoices i JOIN invoice_lines l USING (invoice_id)
      WHERE getvariable('aggregate_import') IS NULL
   OR (i.import_id = getvariable('aggregate_import') AND l.import_id = getvariable('aggregate_import'))
      GROUP BY ALL)
GROUP BY ALL
ORDER BY 2, 3;
-- The months whose figures change (product_months.sql runs next).
SET VARIABLE months_from = (SELECT min(sale_date) FROM sales_product_day
                            WHERE getvariable('aggregate_import') IS NULL OR import_id = getvariable('aggregate_import'));
SET VARIABLE months_to = (SELECT max(sale_date) FROM sales_product_day
                          WHERE getvariable('aggregate_import') IS NULL OR import_id = getvariable('aggregate_import'));
