-- Sales per product over a window, from the daily aggregates (sales_product_day,
-- stock adjustments left out): revenue = Σ of each line's qty × unit_price in
-- cents, cost = Σ of each line's qty × buy_price in cents (lines × cents(line_qty,
-- buy_price): the lines of a group share their quantity), profit = revenue − cost
-- (NULL without a buy price). The same numbers as line_economics summed per
-- product, at a cost that does not grow with the number of lines.
CREATE OR REPLACE TEMP MACRO product_sales(d_from, d_to) AS TABLE
SELECT product_id, coalesce(name, product_id) AS name, buy_price, sell_price, min_margin_threshold,
       qty, revenue, lines, cost, revenue - cost AS profit
FROM (SELECT s.product_id, any_value(p.name) AS name, any_value(p.buy_price) AS buy_price,
             any_value(p.sell_price) AS sell_price, any_value(p.min_margin_threshold) AS min_margin_threshold,
             sum(s.qty) AS qty, sum(s.revenue) AS revenue, sum(s.lines) AS lines,
             sum(s.lines * cents(s.line_qty, p.buy_price)) AS cost
      FROM sales_product_day AS s LEFT JOIN products AS p USING (product_id)
      WHERE s.sale_date BETWEEN d_from AND d_to AND NOT s.adjustment
      GROUP BY s.product_id);

-- The latest day each product was sold (a line with qty > 0), up to as_of.
CREATE OR REPLACE TEMP MACRO last_sales(as_of) AS TABLE
SELECT product_id, max(sale_date) AS last_sold
FROM sales_product_day
WHERE line_qty > 0 AND sale_date <= as_of
GROUP BY product_id;
