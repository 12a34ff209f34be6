-- KPIs of one window (SPEC §4), as exact decimals: the ratios (margin rate,
-- average basket) are divided in Rust. Money is summed from each line's amount
-- in cents; stock adjustments are not sales. Profit covers the products that
-- have a buy price, and costed_revenue is their revenue; revenue covers every
-- line. When no line of the window has a cost, profit is unknown (NULL), never 0
-- (the winners are then ranked by revenue: winners.sql, the same test).
-- Invoices = invoices of the window whose revenue is positive. Stock value
-- (`stock_value`, below) is the stock as it is now (the store keeps no stock
-- history), each row's quantity × buy_price in cents. Value at risk, that stock
-- judged at as_of whatever the window, is the total of the loss-risk list's rows
-- as shown. The report computes both once for its two windows (analytics/mod.rs).
CREATE OR REPLACE MACRO kpis(d_from, d_to) AS TABLE
WITH sold AS (SELECT * FROM product_sales(d_from, d_to)),
visits AS (
    SELECT coalesce(sum(invoices), 0) AS invoices
    FROM sales_client_day WHERE sale_date BETWEEN d_from AND d_to
)
SELECT
    coalesce(sum(revenue), 0)                                        AS revenue,
    CASE WHEN coalesce(bool_or(cost IS NOT NULL), false)
         THEN coalesce(sum(profit), 0) END                           AS profit,
    coalesce(sum(revenue) FILTER (WHERE profit IS NOT NULL), 0)      AS costed_revenue,
    any_value(v.invoices)                                            AS invoices,
    coalesce(sum(qty), 0)                                            AS units_sold
FROM visits v LEFT JOIN sold ON true;

-- The stock value, the same for every window (asked once per report).
CREATE OR REPLACE MACRO stock_value() AS TABLE
SELECT coalesce(sum(cents(s.quantity, p.buy_price)), 0) AS stock_value
FROM stock s JOIN products p USING (product_id) WHERE s.quantity > 0;
