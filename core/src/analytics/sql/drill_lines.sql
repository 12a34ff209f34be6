-- The invoice lines behind a figure (SPEC §4.1, drill-down): the lines of
-- line_economics for the window (so stock adjustments are left out, as in
-- every figure), with the product's and the client's names. A filter left
-- NULL is not applied; f_category = '' picks the products without a category
-- (the chart's "no category" bar). Their sums are the figures: Σ revenue is
-- the window's revenue, Σ profit over the lines that have a cost its profit,
-- Σ qty its units sold.
CREATE OR REPLACE TEMP MACRO drill_lines(d_from, d_to, f_product, f_client, f_invoice, f_category) AS TABLE
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
