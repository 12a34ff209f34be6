-- Markdown suggestions (SPEC §4.1) for each loss-risk batch with a forecast
-- leftover > 0, days_left ≥ 1 and a sales rate > 0 (nothing when the rate is 0).
--
-- Elasticity e, fitted on the store's own history up to as_of, read from the
-- daily aggregates: a product's selling days are the days it sold (lines with
-- qty > 0; returns and stock adjustments left out) for a positive revenue;
-- y = ln(units of the day), x = ln(the day's average unit price = revenue ÷
-- units). e = −slope of the least-squares fit of y on x (regr_slope), rounded
-- to 2 decimals and used as shown. It is used when it rests on ≥ 20 selling days
-- and ≥ 5 distinct daily prices (to the 1/10,000) and 0.3 ≤ e ≤ 5:
--   1. the product's own fit;
--   2. else the fit pooled over its category: each product's days with its own
--      means of x and y removed (products with a single selling day carry
--      nothing and are left out), the same conditions on the pooled days;
--   3. else the setting default_elasticity.
-- Only the products of the batches at risk and of their categories are read.
--
-- Discount: the smallest d among 5 %, 10 %, … up to the setting max_markdown at
-- which the marked-down batch, sold from as_of at rate(d) = rate × (1 − d)^(−e),
-- sells out by its expiry: rate(d) × days_left ≥ quantity, i.e.
-- (1 − d)^(−e) × units_30 × days_left ≥ 30 × quantity (the power is a binary
-- float: a relative 1e-12 absorbs its rounding, so that an exact boundary
-- counts as reached). When even the largest step is not enough, the batch
-- cannot be cleared: the largest step is shown with what it would sell.
--
-- Money (suggested price, units expected, money recovered) is computed by the
-- report in exact decimals from these columns (analytics/mod.rs `markdowns`);
-- the price before the markdown is sell_price, else the average price of the
-- product's selling days of the 30 days (revenue_30 ÷ sold_30).
CREATE OR REPLACE TEMP MACRO markdowns(as_of) AS TABLE
WITH
risk AS (
    SELECT r.stock_id, r.product_id, r.name, r.quantity, r.days_left, r.buy_price, r.leftover_30, r.units_30,
           p.sell_price, p.category
    FROM loss_risk(as_of) r LEFT JOIN products p USING (product_id)
    WHERE r.leftover_30 > 0 AND r.days_left >= 1 AND r.units_30 > 0
),
pool AS (
    SELECT product_id FROM risk
    UNION
    SELECT product_id FROM products WHERE category IN (SELECT category FROM risk)
),
selling_days AS (
    SELECT product_id, sale_date, sum(qty) AS units, sum(revenue) AS revenue
    FROM sales_product_day
    WHERE line_qty > 0 AND NOT adjustment AND sale_date <= as_of
      AND product_id IN (SELECT product_id FROM pool)
    GROUP BY product_id, sale_date
    HAVING sum(revenue) > 0
),
logs AS (
    SELECT s.product_id, p.category, ln(s.units) AS y, ln(s.revenue / s.units) AS x, round(s.revenue / s.units, 4) AS price
    FROM selling_days s LEFT JOIN products p USING (product_id)
),
-- Per product: its own fit, and what a pooled fit adds up. With each product's
-- means removed, the pooled least-squares slope is Σ Sxy ÷ Σ Sxx over the
-- category's products (Sxy = n × covar_pop(y, x), Sxx = n × var_pop(x)): one
-- pass over the days, no window.
product_fit AS (
    SELECT product_id, any_value(category) AS category, -regr_slope(y, x) AS e, count(*) AS n,
           count(*) * covar_pop(y, x) AS sxy, count(*) * var_pop(x) AS sxx, count(DISTINCT price) AS prices
    FROM logs
    GROUP BY product_id
),
category_prices AS (
    SELECT l.category, count(DISTINCT l.price) AS prices
    FROM logs l JOIN product_fit f USING (product_id)
    WHERE l.category IS NOT NULL AND f.n >= 2
    GROUP BY l.category
),
category_fit AS (
    SELECT f.category, CASE WHEN sum(f.sxx) > 0 THEN -sum(f.sxy) / sum(f.sxx) END AS e, sum(f.n) AS n,
           any_value(cp.prices) AS prices
    FROM product_fit f JOIN category_prices cp USING (category)
    WHERE f.n >= 2
    GROUP BY f.category
),
-- e rounded to 2 decimals (as shown); a slope of no sense (far outside 0.3 … 5) stays out of the cast.
fits AS (
    SELECT 'product' AS source, product_id AS k, n, prices,
           CASE WHEN abs(e) < 1000 THEN CAST(round(e, 2) AS DECIMAL(9, 2)) END AS e
    FROM product_fit
    UNION ALL
    SELECT 'category', category, n, prices,
           CASE WHEN abs(e) < 1000 THEN CAST(round(e, 2) AS DECIMAL(9, 2)) END
    FROM category_fit
),
usable AS (
    SELECT source, k, e FROM fits WHERE n >= 20 AND prices >= 5 AND e BETWEEN 0.3 AND 5
),
recent AS (
    SELECT product_id, sum(revenue) AS revenue_30, sum(units) AS sold_30
    FROM selling_days
    WHERE sale_date >= as_of - 29 AND product_id IN (SELECT product_id FROM risk)
    GROUP BY product_id
),
chosen AS (
    SELECT r.*, rc.revenue_30, rc.sold_30,
           coalesce(own.e, cat.e, CAST(round(setting_num('default_elasticity'), 2) AS DECIMAL(9, 2))) AS elasticity,
           CASE WHEN own.e IS NOT NULL THEN 'product' WHEN cat.e IS NOT NULL THEN 'category' ELSE 'default' END AS elasticity_source
    FROM risk r
    LEFT JOIN usable own ON own.source = 'product' AND own.k = r.product_id
    LEFT JOIN usable cat ON cat.source = 'category' AND cat.k = r.category
    LEFT JOIN recent rc USING (product_id)
),
steps AS (
    SELECT CAST(k * 0.05 AS DECIMAL(4, 2)) AS d
    FROM range(1, 20) t(k)  -- 5 % … 95 %
    WHERE k * 0.05 <= setting_num('max_markdown')
),
tried AS (
    SELECT c.*,
           min(s.d) FILTER (WHERE power(1 - s.d, -c.elasticity) * c.units_30 * c.days_left * (1 + 1e-12) >= 30 * c.quantity) AS d_clear,
           max(s.d) AS d_max
    FROM chosen c LEFT JOIN steps s ON true
    GROUP BY ALL
)
SELECT stock_id, product_id, name, quantity, days_left, buy_price, sell_price, leftover_30, units_30,
       revenue_30, sold_30, elasticity, elasticity_source,
       coalesce(d_clear, d_max, 0) AS discount,
       d_clear IS NULL AS cannot_clear,
       -- rate(d) × days_left: what the batch sells by its expiry at that discount (a float)
       power(1 - coalesce(d_clear, d_max, 0), -elasticity) * units_30 * days_left / 30 AS sells_by_expiry
FROM tried;
