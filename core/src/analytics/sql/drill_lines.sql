-- The invoice lines behind a figure (SPEC §4.1, drill-down): the lines of
-- line_economics for the window (so stock adjustments are left out, as in
-- every figure), with the product's and the client's names. A filter left
-- NULL is not applied; f_category = '' picks the products without a category
-- (the chart's "no category" bar). Their sums are the figures: Σ revenue is
-- the window's revenue, Σ profit over the lines that have a cost its profit,
-- Σ qty its units sold.
CREATE OR REPLACE MACRO drill_lines(d_from, d_to, f_product, f_client, f_invoice, f_category) AS TABLE
SELECT e.sale_date, e.invoice_id, e.line_no, e.client_id, c.name AS client_name,
       e.product_id, coalesce(p.name, e.product_id) AS product_name, p.category,
       e.qty, e.unit_price, e.revenue, e.cost, e.profit
FROM line_economics(d_from, d_to) AS e
LEFT JOIN products AS p USING (product_id)
LEFT JOIN clients AS c ON c.client_id = e.client_id
WHERE (f_product IS NULL OR e.product_id = f_product)
  AND (f_client IS NULL OR e.client_id = f_client)
  AND (f_invoice IS NULL OR e.invoice_id = f_invoice)
  AND (f_category IS NULL OR coalesce(p.category, '') = f_category);

-- The same lines by their keys, date and revenue only (no names, no cost):
-- what a page sorted by date or invoice needs to find its lines among
-- millions before pricing and naming them, and what counts the invoices of
-- a product or category.
CREATE OR REPLACE MACRO drill_keys(d_from, d_to, f_product, f_client, f_invoice, f_category) AS TABLE
SELECT l.invoice_id, l.line_no, CAST(i.ts AS DATE) AS sale_date, cents(l.qty, l.unit_price) AS revenue
FROM invoice_lines AS l
JOIN invoices AS i USING (invoice_id)
LEFT JOIN products AS p USING (product_id)
WHERE CAST(i.ts AS DATE) BETWEEN d_from AND d_to
  AND NOT (l.qty < 0 AND l.unit_price = 0)
  AND (f_product IS NULL OR l.product_id = f_product)
  AND (f_client IS NULL OR i.client_id = f_client)
  AND (f_invoice IS NULL OR l.invoice_id = f_invoice)
  AND (f_category IS NULL OR coalesce(p.category, '') = f_category);

-- The sums of drill_lines when only a product or a category narrows them,
-- from the daily aggregates (their cost follows days × products, not lines):
-- each aggregate row holds `lines` lines of one quantity, so its cost is
-- lines × that quantity's cost in cents, as each line's is; cost and profit
-- cover the lines whose product has a buy price (NULL when none has).
CREATE OR REPLACE MACRO drill_totals(d_from, d_to, f_product, f_category) AS TABLE
SELECT coalesce(sum(s.lines), 0) AS lines, coalesce(sum(s.qty), 0) AS qty, coalesce(sum(s.revenue), 0) AS revenue,
       sum(s.lines * cents(s.line_qty, p.buy_price)) AS cost,
       sum(s.revenue) FILTER (WHERE p.buy_price IS NOT NULL) - sum(s.lines * cents(s.line_qty, p.buy_price)) AS profit
FROM sales_product_day AS s
LEFT JOIN products AS p USING (product_id)
WHERE s.sale_date BETWEEN d_from AND d_to AND NOT s.adjustment
  AND (f_product IS NULL OR s.product_id = f_product)
  AND (f_category IS NULL OR coalesce(p.category, '') = f_category);
