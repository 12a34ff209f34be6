-- Sales per product over a window, from the daily aggregates (sales_product_day):
-- revenue = Σ qty × unit_price, cost = Σ qty × buy_price, profit = revenue − cost
-- (NULL without a buy price). The same numbers as line_economics summed per
-- product, at a cost that does not grow with the number of lines.
CREATE OR REPLACE TEMP MACRO product_sales(d_from, d_to) AS TABLE
SELECT s.product_id, coalesce(p.name, s.product_id) AS name, p.buy_price, p.sell_price, p.min_margin_threshold,
       s.qty, s.revenue, s.lines,
       s.qty * p.buy_price AS cost,
       s.revenue - s.qty * p.buy_price AS profit
FROM (SELECT product_id, sum(qty) AS qty, sum(revenue) AS revenue, sum(lines) AS lines
      FROM sales_product_day
      WHERE sale_date BETWEEN d_from AND d_to
      GROUP BY product_id) AS s
LEFT JOIN products AS p USING (product_id);

-- The latest day each product was sold (a line with qty > 0), up to as_of.
CREATE OR REPLACE TEMP MACRO last_sales(as_of) AS TABLE
SELECT product_id, max(sale_date) AS last_sold
FROM sales_product_day
WHERE sold AND sale_date <= as_of
GROUP BY product_id;
