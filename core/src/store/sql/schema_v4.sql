-- v4 (SPEC §4, rules made exact): the sales aggregates hold cent amounts, each
-- line's revenue rounded to cents (half away from zero) before it is summed;
-- a line's cost (qty × the buy price at report time) is rounded the same way,
-- which the aggregates allow by keeping each line's quantity (line_qty): the
-- cost of a group is lines × round(line_qty × buy_price, 2). Stock adjustments
-- (qty < 0 at unit price 0) are kept apart, and sales_client_day counts only
-- the invoices whose revenue is positive. Rebuilt from the lines.
DROP TABLE sales_product_day;
CREATE TABLE sales_product_day (
    import_id  BIGINT NOT NULL,
    sale_date  DATE NOT NULL,
    product_id VARCHAR NOT NULL,
    line_qty   DECIMAL(18, 3) NOT NULL,  -- the quantity of each line of the group
    adjustment BOOLEAN NOT NULL,         -- stock adjustments: not sales
    lines      BIGINT NOT NULL,
    qty        DECIMAL(38, 3) NOT NULL,  -- lines × line_qty
    revenue    DECIMAL(38, 2) NOT NULL   -- Σ round(qty × unit_price, 2)
);
DROP TABLE sales_client_day;
CREATE TABLE sales_client_day (
    import_id  BIGINT NOT NULL,
    sale_date  DATE NOT NULL,
    client_id  VARCHAR,                  -- NULL = walk-in customers
    revenue    DECIMAL(38, 2) NOT NULL,  -- Σ round(qty × unit_price, 2)
    invoices   BIGINT NOT NULL           -- invoices whose revenue is positive
);
INSERT INTO sales_product_day
SELECT i.import_id, CAST(i.ts AS DATE), l.product_id, l.qty, l.qty < 0 AND l.unit_price = 0,
       count(*), sum(l.qty), sum(round(CAST(l.qty AS DECIMAL(38, 3)) * l.unit_price, 2))
FROM invoice_lines l JOIN invoices i USING (invoice_id)
GROUP BY ALL;
INSERT INTO sales_client_day
SELECT import_id, sale_date, client_id, sum(revenue), count(*) FILTER (WHERE revenue > 0)
FROM (SELECT i.import_id, CAST(i.ts AS DATE) AS sale_date, i.client_id, i.invoice_id,
             sum(round(CAST(l.qty AS DECIMAL(38, 3)) * l.unit_price, 2)) AS revenue
      FROM invoices i JOIN invoice_lines l USING (invoice_id)
      GROUP BY ALL)
GROUP BY ALL;
