-- Adds invoices' sales to the aggregates the analytics read. $where picks the
-- invoices: `i.import_id = N AND l.import_id = N` after import N (the lines
-- filter lets DuckDB skip older row groups), `true` to rebuild everything.
INSERT INTO sales_product_day
SELECT i.import_id, CAST(i.ts AS DATE), l.product_id, sum(l.qty), sum(l.qty * l.unit_price), count(*), bool_or(l.qty > 0)
FROM invoice_lines l JOIN invoices i USING (invoice_id)
WHERE $where
GROUP BY ALL;
INSERT INTO sales_client_day
SELECT i.import_id, CAST(i.ts AS DATE), i.client_id, sum(l.qty * l.unit_price), count(DISTINCT i.invoice_id)
FROM invoices i JOIN invoice_lines l USING (invoice_id)
WHERE $where
GROUP BY ALL;
