-- Sales per product over a window, from the daily aggregates (sales_product_day,
-- stock adjustments left out): revenue = Σ of each line's qty × unit_price in
-- cents, cost = Σ of each line's qty × buy_price in cents (lines × cents(line_qty,
-- buy_price): the lines of a group share their quantity), profit = revenue − cost
-- (NULL without a buy price). The same numbers as line_economics summed per
-- product, at a cost that does not grow with the number of lines.
--
-- A report asks for the same window several times (KPIs, winners, losers,
-- categories, data quality; the 30 days of the loss-risk rate and of
-- replenishment): it keeps each window's rows once in product_sales_kept, and
-- names the windows kept in the variable product_sales_kept ('from..to') for
-- as long as it runs (`analytics::KeptSales`). A window kept is read from
-- there; any other is computed. The variable is a constant when the query
-- is planned, so the branch not taken is dropped before it runs.
CREATE OR REPLACE MACRO product_sales_computed(d_from, d_to) AS TABLE
SELECT product_id, coalesce(name, product_id) AS name, buy_price, sell_price, min_margin_threshold,
       qty, revenue, lines, cost, revenue - cost AS profit
FROM (SELECT s.product_id, any_value(p.name) AS name, any_value(p.buy_price) AS buy_price,
             any_value(p.sell_price) AS sell_price, any_value(p.min_margin_threshold) AS min_margin_threshold,
             sum(s.qty) AS qty, sum(s.revenue) AS revenue, sum(s.lines) AS lines,
             sum(s.lines * cents(s.line_qty, p.buy_price)) AS cost
      -- the window's days summed per line quantity first: one cost per quantity, not
      -- per day; a group's units are lines × line_qty (its stored 128-bit qty is not read)
      FROM (SELECT product_id, line_qty, sum(lines) AS lines, line_qty * sum(lines) AS qty, sum(revenue) AS revenue
            FROM sales_product_day
            WHERE sale_date BETWEEN d_from AND d_to AND NOT adjustment
            GROUP BY product_id, line_qty) AS s
      LEFT JOIN products AS p USING (product_id)
      GROUP BY s.product_id);

CREATE OR REPLACE TEMP TABLE product_sales_kept AS
SELECT DATE '1990-01-01' AS kept_from, DATE '1990-01-01' AS kept_to, *
FROM product_sales_computed(DATE '1990-01-01', DATE '1990-01-01') LIMIT 0;

CREATE OR REPLACE MACRO product_sales(d_from, d_to) AS TABLE
SELECT * EXCLUDE (kept_from, kept_to) FROM product_sales_kept
WHERE list_contains(coalesce(getvariable('product_sales_kept'), []), CAST(d_from AS VARCHAR) || '..' || CAST(d_to AS VARCHAR))
  AND kept_from = d_from AND kept_to = d_to
UNION ALL
SELECT * FROM product_sales_computed(d_from, d_to)
WHERE NOT list_contains(coalesce(getvariable('product_sales_kept'), []), CAST(d_from AS VARCHAR) || '..' || CAST(d_to AS VARCHAR));

-- Per product and month, from the daily aggregates from d_from to d_to: the
-- latest day sold (a line with qty > 0) and the figures of its selling days
-- that markdowns.sql fits the price elasticity on. A selling day is a day the
-- product sold (lines with qty > 0: returns and stock adjustments left out)
-- for a positive revenue; x = ln(the day's average unit price = revenue ÷
-- units), y = ln(units of the day). Kept per month in sales_product_month
-- (store/sql/product_months.sql); the month of as_of is read from the days.
-- changed_only: only the products of the temporary table changed_products (the
-- products whose days an import or an undo changed: store/sql/product_months.sql).
CREATE OR REPLACE TEMP TABLE changed_products (product_id VARCHAR);
CREATE OR REPLACE MACRO product_month_figures(d_from, d_to, changed_only := false) AS TABLE
SELECT CAST(date_trunc('month', sale_date) AS DATE) AS month, product_id, max(sale_date) AS last_sold,
       count(x) AS days, avg(x) AS mean_x, avg(y) AS mean_y,
       coalesce(count(x) * var_pop(x), 0) AS sxx, coalesce(count(x) * covar_pop(x, y), 0) AS sxy,
       list_slice(list_sort(list_distinct(list(price))), 1, 5) AS prices
FROM (SELECT product_id, sale_date,
             CASE WHEN revenue > 0 THEN ln(revenue / units) END AS x,
             CASE WHEN revenue > 0 THEN ln(units) END AS y,
             CASE WHEN revenue > 0 THEN round(revenue / units, 4) END AS price
      FROM (SELECT product_id, sale_date, sum(qty) AS units, sum(revenue) AS revenue
            FROM sales_product_day
            WHERE line_qty > 0 AND sale_date BETWEEN d_from AND d_to
              AND (NOT changed_only OR product_id IN (SELECT product_id FROM changed_products))
            GROUP BY product_id, sale_date))
GROUP BY ALL;

-- The latest day each product was sold (a line with qty > 0), up to as_of:
-- the months before as_of's from sales_product_month, that month from the days,
-- or from sales_product_month too when whole_month says it is whole there (no
-- line sold after as_of in it: `analytics::History`).
-- whole_history (`analytics::History`): moreover no later month holds a
-- sale, so each product's latest sale is the store's (sales_product_last).
-- A report keeps them as it keeps its windows' sales (above): in last_sales_kept,
-- named 'as_of/whole_month' by the variable last_sales_kept.
CREATE OR REPLACE MACRO last_sales_computed(as_of, whole_month := false, whole_history := false) AS TABLE
SELECT product_id, last_sold FROM sales_product_last WHERE whole_history
UNION ALL
SELECT * FROM (
    SELECT product_id, max(last_sold) AS last_sold
    FROM (SELECT product_id, last_sold FROM sales_product_month
          WHERE (month < CAST(date_trunc('month', as_of) AS DATE) OR (whole_month AND month = CAST(date_trunc('month', as_of) AS DATE)))
            AND last_sold IS NOT NULL
          UNION ALL
          SELECT product_id, sale_date FROM sales_product_day
          WHERE NOT whole_month AND line_qty > 0 AND sale_date BETWEEN CAST(date_trunc('month', as_of) AS DATE) AND as_of)
    GROUP BY product_id)
WHERE NOT whole_history;

CREATE OR REPLACE TEMP TABLE last_sales_kept AS
SELECT * FROM last_sales_computed(DATE '1990-01-01') LIMIT 0;

CREATE OR REPLACE MACRO last_sales(as_of, whole_month := false) AS TABLE
SELECT * FROM last_sales_kept
WHERE getvariable('last_sales_kept') IS NOT DISTINCT FROM CAST(as_of AS VARCHAR) || '/' || CAST(whole_month AS VARCHAR)
UNION ALL
SELECT * FROM last_sales_computed(as_of, whole_month := whole_month)
WHERE getvariable('last_sales_kept') IS DISTINCT FROM CAST(as_of AS VARCHAR) || '/' || CAST(whole_month AS VARCHAR);
