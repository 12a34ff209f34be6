-- Revenue and profit of each day of a window, days without sales included (as 0),
-- from the daily aggregates (each line in cents; stock adjustments left out).
-- Profit covers the products that have a buy price, as in kpis; revenue covers
-- every line. A day whose sales have no cost at all has an unknown profit (NULL),
-- never 0; a day without sales has a profit of 0.
CREATE OR REPLACE MACRO sales_timeline(d_from, d_to) AS TABLE
SELECT CAST(d.day AS DATE) AS day,
       coalesce(t.revenue, 0) AS revenue,
       CASE WHEN t.sale_date IS NULL THEN 0 ELSE t.profit END AS profit
FROM range(CAST(d_from AS TIMESTAMP), CAST(d_to AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS d(day)
LEFT JOIN (SELECT s.sale_date, sum(s.revenue) AS revenue,
                  sum(s.revenue - s.lines * cents(s.line_qty, p.buy_price)) AS profit
           FROM sales_product_day s LEFT JOIN products p USING (product_id)
           WHERE s.sale_date BETWEEN d_from AND d_to AND NOT s.adjustment
           GROUP BY s.sale_date) AS t ON t.sale_date = CAST(d.day AS DATE)
ORDER BY day;
