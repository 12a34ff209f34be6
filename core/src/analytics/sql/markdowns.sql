-- Markdown suggestions (SPEC §4.1) for each loss-risk batch with a forecast
-- leftover > 0, days_left ≥ 1 and a sales rate > 0 (nothing when the rate is 0).
--
-- Elasticity e, fitted on the store's own history up to as_of, read from the
-- per-month figures of its selling days (product_month_figures, kept in
-- sales_product_month; their combination over the whole history is kept in
-- sales_product_fit): a product's selling days are the days it sold (lines with
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
-- The batches at risk are loss_risk(as_of)'s rows, which the caller keeps in
-- the temporary table at_risk (`analytics::loss_risk_exact`) so that the
-- forecast runs once per report.
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
-- product's selling days of the 30 days (revenue_30 ÷ sold_30, read only then).

-- at_risk's columns, until a report fills it.
CREATE OR REPLACE TEMP TABLE at_risk AS FROM loss_risk(DATE '1990-01-01') LIMIT 0;

-- Per product, its selling days' figures combined over the months of
-- sales_product_month up to month_to and the days from days_from to days_to
-- (product_month_figures; an empty range adds none): n days, Sxx = Σ (x − x̄)²,
-- Sxy = Σ (x − x̄)(y − ȳ) over every day, and up to 5 of its distinct prices.
-- Each month's centred sums plus what its own means add (exact algebra, no
-- cancellation of large sums); the least-squares slope is Sxy ÷ Sxx (regr_slope).
-- The store keeps them over its whole history in sales_product_fit
-- (store/sql/product_months.sql); changed_only: see product_month_figures.
CREATE OR REPLACE MACRO product_fits(month_to, days_from, days_to, changed_only := false) AS TABLE
WITH
months AS (
    SELECT product_id, days, mean_x, mean_y, sxx, sxy, prices
    FROM sales_product_month
    WHERE month <= month_to AND days > 0
      AND (NOT changed_only OR product_id IN (SELECT product_id FROM changed_products))
    UNION ALL
    SELECT product_id, days, mean_x, mean_y, sxx, sxy, prices
    FROM product_month_figures(days_from, days_to, changed_only := changed_only) WHERE days > 0
),
means AS (
    SELECT product_id, CAST(sum(days) AS BIGINT) AS n, sum(days * mean_x) / sum(days) AS mx, sum(days * mean_y) / sum(days) AS my
    FROM months GROUP BY product_id
),
-- each month keeps up to 5 of its distinct prices: enough to tell whether a
-- product, or a category's products, have 5
prices AS (
    SELECT product_id, list_slice(list_sort(list(DISTINCT price)), 1, 5) AS prices
    FROM (SELECT product_id, unnest(prices) AS price FROM months)
    GROUP BY product_id
)
SELECT m.product_id, any_value(s.n) AS n,
       sum(m.sxx + m.days * (m.mean_x - s.mx) * (m.mean_x - s.mx)) AS sxx,
       sum(m.sxy + m.days * (m.mean_x - s.mx) * (m.mean_y - s.my)) AS sxy,
       coalesce(any_value(pr.prices), []) AS prices
FROM months m JOIN means s USING (product_id) LEFT JOIN prices pr USING (product_id)
GROUP BY m.product_id;

-- whole_month: as_of's month is whole in sales_product_month (see last_sales);
-- whole_history: moreover no later month holds a sale, so sales_product_fit is
-- the fit up to as_of (analytics::fit_source).
CREATE OR REPLACE MACRO markdowns(as_of, whole_month := false, whole_history := false) AS TABLE
WITH
risk AS MATERIALIZED (
    SELECT r.stock_id, r.product_id, r.name, r.quantity, r.days_left, r.buy_price, r.leftover_30, r.units_30,
           p.sell_price, p.category
    FROM at_risk r LEFT JOIN products p USING (product_id)  -- loss_risk(as_of), kept by the report (analytics/mod.rs)
    WHERE r.leftover_30 > 0 AND r.days_left >= 1 AND r.units_30 > 0
),
pool AS MATERIALIZED (
    SELECT product_id FROM risk
    UNION
    SELECT product_id FROM products WHERE category IN (SELECT category FROM risk)
),
-- The pool's fits up to as_of: kept whole in sales_product_fit, else combined
-- from the months before as_of's and that month (from the month table when it
-- is whole there, else from its days up to as_of).
product_fit AS MATERIALIZED (
    SELECT f.product_id, p.category, f.n, f.sxx, f.sxy, f.prices
    FROM (SELECT * FROM sales_product_fit WHERE whole_history
          UNION ALL
          SELECT * FROM product_fits(
              CASE WHEN whole_month THEN CAST(date_trunc('month', as_of) AS DATE)
                   ELSE CAST(date_trunc('month', as_of) - INTERVAL 1 MONTH AS DATE) END,
              CAST(date_trunc('month', as_of) AS DATE),
              CASE WHEN whole_month THEN as_of - 31 ELSE as_of END)
          WHERE NOT whole_history) AS f
    LEFT JOIN products p USING (product_id)
    WHERE f.product_id IN (SELECT product_id FROM pool)
),
category_prices AS (
    SELECT category, count(DISTINCT price) AS prices
    FROM (SELECT category, unnest(prices) AS price FROM product_fit WHERE category IS NOT NULL AND n >= 2)
    GROUP BY category
),
-- The pooled fit of a category: each product's days with its own means removed
-- (products with a single selling day carry nothing and are left out), so its
-- slope is Σ Sxy ÷ Σ Sxx over the category's products.
category_fit AS (
    SELECT f.category, CASE WHEN sum(f.sxx) > 1e-24 * sum(f.n) THEN -sum(f.sxy) / sum(f.sxx) END AS e, sum(f.n) AS n,
           any_value(cp.prices) AS prices
    FROM product_fit f JOIN category_prices cp USING (category)
    WHERE f.n >= 2
    GROUP BY f.category
),
-- e rounded to 2 decimals (as shown); a slope of no sense (far outside 0.3 … 5)
-- stays out of the cast. A price that never moved gives Sxx = 0 up to the
-- rounding of the means (~1e-30 a day): below 1e-24 a day it is 0 and there is
-- no slope, as regr_slope says.
fits AS (
    SELECT 'product' AS source, product_id AS k, n, len(prices) AS prices,
           CASE WHEN abs(e) < 1000 THEN CAST(round(e, 2) AS DECIMAL(9, 2)) END AS e
    FROM (SELECT *, CASE WHEN sxx > 1e-24 * n THEN -sxy / sxx END AS e FROM product_fit)
    UNION ALL
    SELECT 'category', category, n, prices,
           CASE WHEN abs(e) < 1000 THEN CAST(round(e, 2) AS DECIMAL(9, 2)) END
    FROM category_fit
),
usable AS (
    SELECT source, k, e FROM fits WHERE n >= 20 AND prices >= 5 AND e BETWEEN 0.3 AND 5
),
-- the selling days of the 30 days, for the price before the markdown of a
-- product without a (positive) sell price: the others' price is their sell price
recent AS (
    SELECT product_id, sum(revenue) AS revenue_30, sum(units) AS sold_30
    FROM (SELECT product_id, sum(qty) AS units, sum(revenue) AS revenue
          FROM sales_product_day
          WHERE line_qty > 0 AND sale_date BETWEEN as_of - 29 AND as_of
            AND product_id IN (SELECT product_id FROM risk WHERE coalesce(sell_price, 0) <= 0)
          GROUP BY product_id, sale_date
          HAVING sum(revenue) > 0)
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
    SELECT list(CAST(k * 0.05 AS DECIMAL(4, 2)) ORDER BY k) AS ds
    FROM range(1, 20) t(k)  -- 5 % … 95 %
    WHERE k * 0.05 <= setting_num('max_markdown')
),
tried AS (
    SELECT c.*,
           list_min(list_filter(s.ds, lambda d: power(1 - d, -c.elasticity) * c.units_30 * c.days_left * (1 + 1e-12) >= 30 * c.quantity)) AS d_clear,
           list_max(s.ds) AS d_max
    FROM chosen c, steps s
)
SELECT stock_id, product_id, name, quantity, days_left, buy_price, sell_price, leftover_30, units_30,
       revenue_30, sold_30, elasticity, elasticity_source,
       coalesce(d_clear, d_max, 0) AS discount,
       d_clear IS NULL AS cannot_clear,
       -- rate(d) × days_left: what the batch sells by its expiry at that discount (a float)
       power(1 - coalesce(d_clear, d_max, 0), -elasticity) * units_30 * days_left / 30 AS sells_by_expiry
FROM tried;
