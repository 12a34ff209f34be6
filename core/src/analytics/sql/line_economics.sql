-- Line economics (SPEC §4): revenue = qty × unit_price, cost = qty × buy_price,
-- each rounded to cents (half away from zero) line by line; profit = revenue −
-- cost; for invoices dated d_from … d_to (inclusive). Returns (negative qty)
-- reduce all three. Without a buy_price, cost and profit are NULL. Stock
-- adjustments (qty < 0 at unit price 0) are not sales: they are left out.
CREATE OR REPLACE MACRO line_economics(d_from, d_to) AS TABLE
SELECT
    l.invoice_id,
    l.line_no,
    l.product_id,
    i.client_id,
    CAST(i.ts AS DATE)                                  AS sale_date,
    l.qty,
    l.unit_price,
    p.buy_price,
    cents(l.qty, l.unit_price)                          AS revenue,
    cents(l.qty, p.buy_price)                           AS cost,
    cents(l.qty, l.unit_price) - cents(l.qty, p.buy_price) AS profit
FROM invoice_lines AS l
JOIN invoices AS i USING (invoice_id)
LEFT JOIN products AS p USING (product_id)
WHERE CAST(i.ts AS DATE) BETWEEN d_from AND d_to
  AND NOT (l.qty < 0 AND l.unit_price = 0);
