-- KPIs of one window (SPEC §4). Profit and margin cover the products that have
-- a buy price; revenue covers every line. Stock value and value at risk are
-- the stock as of the window's last day.
CREATE OR REPLACE TEMP MACRO kpis(d_from, d_to) AS TABLE
WITH sold AS (SELECT * FROM product_sales(d_from, d_to)),
visits AS (
    SELECT coalesce(sum(invoices), 0) AS invoices
    FROM sales_client_day WHERE sale_date BETWEEN d_from AND d_to
)
SELECT
    coalesce(sum(revenue), 0)                                        AS revenue,
    coalesce(sum(profit), 0)                                         AS profit,
    CASE WHEN sum(revenue) FILTER (WHERE profit IS NOT NULL) <> 0
         THEN sum(profit) / sum(revenue) FILTER (WHERE profit IS NOT NULL) END AS margin_rate,
    any_value(v.invoices)                                            AS invoices,
    CASE WHEN any_value(v.invoices) > 0 THEN sum(revenue) / any_value(v.invoices) END AS average_basket,
    coalesce(sum(qty), 0)                                            AS units_sold,
    (SELECT coalesce(sum(s.quantity * p.buy_price), 0)
     FROM stock s JOIN products p USING (product_id) WHERE s.quantity > 0) AS stock_value,
    (SELECT coalesce(sum(value_at_risk), 0) FROM loss_risk(d_to))    AS value_at_risk
FROM visits v LEFT JOIN sold ON true;
