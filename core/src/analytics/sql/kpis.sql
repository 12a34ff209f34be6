-- KPIs of one window (SPEC §4), as exact decimals: the ratios (margin rate,
-- average basket) are divided in Rust. Money is summed from each line's amount
-- in cents; stock adjustments are not sales. Profit covers the products that
-- have a buy price, and costed_revenue is their revenue; revenue covers every
-- line. When no line of the window has a cost, profit is unknown (NULL), never 0
-- (the winners are then ranked by revenue, `winners_ranked_by`). Invoices = invoices of the window whose revenue is positive. Stock value
-- is the stock as it is now (the store keeps no stock history), each row's
-- quantity × buy_price in cents; value at risk is that stock judged at as_of,
-- like the loss-risk list (the total of its rows as shown), whatever the window.
CREATE OR REPLACE TEMP MACRO kpis(d_from, d_to, as_of) AS TABLE
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
    coalesce(sum(qty), 0)                                            AS units_sold,
    (SELECT coalesce(sum(cents(s.quantity, p.buy_price)), 0)
     FROM stock s JOIN products p USING (product_id) WHERE s.quantity > 0) AS stock_value,
    (SELECT coalesce(sum(value_at_risk), 0) FROM loss_risk(as_of))   AS value_at_risk
FROM visits v LEFT JOIN sold ON true;
