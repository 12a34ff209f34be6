-- Line economics (SPEC §4): revenue = qty × unit_price, cost = qty × buy_price,
-- profit = revenue − cost, for invoices dated d_from … d_to (inclusive).
-- Returns (negative qty) reduce all three. Without a buy_price, cost and profit are NULL.
CREATE OR REPLACE TEMP MACRO line_economics(d_from, d_to) AS TABLE
SELECT
    l.invoice_id,
    l.line_no,
    l.product_id,
    i.client_id,
    CAST(i.ts AS DATE)                 AS sale_date,
    l.qty,
    l.unit_price,
    p.buy_price,
    l.qty * l.unit_price               AS revenue,
    l.qty * p.buy_price                AS cost,
    l.qty * (l.unit_price - p.buy_price) AS profit
FROM invoice_lines AS l
JOIN invoices AS i USING (invoice_id)
LEFT JOIN products AS p USING (product_id)
WHERE CAST(i.ts AS DATE) BETWEEN d_from AND d_to;
