-- Loss risk (detect_loss_products, SPEC §4), stock rows with quantity > 0.
-- Reasons: expired (expiry < as_of), expiring (as_of ≤ expiry < as_of + 7),
-- no_movement (last movement < as_of − 30, or never: last movement = the later
-- of the row's last_movement and the product's latest sale, both ≤ as_of).
-- Forecast: the product's batches are sold earliest expiry first from as_of at
-- daily rate u / 30 (u = units sold in the 30 days up to as_of, stock
-- adjustments left out); leftover = units of a batch not sold by its expiry
-- (an expired batch: all of it).
-- Exact: every forecast quantity is kept multiplied by 30 (or by u), so that no
-- division happens here. start_u = the day sales begin to draw on batch k, × u;
-- leftover_30 = 30 × leftover. The report divides and rounds only when it
-- shows them (analytics.rs): leftover = leftover_30 / 30, leftover_value =
-- leftover_30 × buy_price / 30.
-- whole_month: see last_sales (product_sales.sql).
CREATE OR REPLACE MACRO loss_risk(as_of, whole_month := false) AS TABLE
WITH RECURSIVE
last_sale AS (SELECT * FROM last_sales(as_of, whole_month := whole_month)),
rate AS (SELECT product_id, greatest(qty, 0) AS units_30 FROM product_sales(as_of - 29, as_of)),
-- what the batches need of their product, joined once per product
per_product AS (
    SELECT st.product_id, p.name, p.buy_price, ls.last_sold, CAST(coalesce(r.units_30, 0) AS DECIMAL(38, 3)) AS units_30
    FROM (SELECT DISTINCT product_id FROM stock WHERE quantity > 0) AS st
    LEFT JOIN products p USING (product_id)
    LEFT JOIN last_sale ls USING (product_id)
    LEFT JOIN rate r USING (product_id)
),
batches AS MATERIALIZED (
    SELECT s.stock_id, s.product_id, s.quantity, s.expiry_date, pp.name, pp.buy_price,
           CASE WHEN s.last_movement <= as_of THEN s.last_movement END AS own_movement,
           pp.last_sold, pp.units_30,
           date_diff('day', as_of, s.expiry_date) AS days_left,
           -- the batches numbered in selling order, product after product: the
           -- batch after bid is bid + 1 unless it is another product's first
           -- (the forecast joins integers, not the products' text)
           row_number() OVER fefo_order AS bid,
           lag(s.product_id) OVER fefo_order IS DISTINCT FROM s.product_id AS first
    FROM stock s
    JOIN per_product pp USING (product_id)
    WHERE s.quantity > 0
    WINDOW fefo_order AS (ORDER BY s.product_id, s.expiry_date ASC NULLS LAST, s.stock_id)
),
-- start day of a product's batch (× u): when its previous batch is sold out
-- (start + 30 q / u) or expires, whichever comes first, never before the previous start.
fefo(bid, start_u) AS (
    SELECT bid, CAST(0 AS DECIMAL(38, 3)) FROM batches WHERE first
    UNION ALL
    SELECT b.bid,
           CAST(CASE WHEN prev.days_left IS NULL THEN f.start_u + 30 * prev.quantity
                     ELSE greatest(f.start_u, least(f.start_u + 30 * prev.quantity, prev.days_left * prev.units_30))
                END AS DECIMAL(38, 3))
    FROM fefo f
    JOIN batches prev ON prev.bid = f.bid
    JOIN batches b ON b.bid = f.bid + 1 AND NOT b.first
),
forecast AS (
    SELECT b.*,
           CASE WHEN b.expiry_date IS NULL THEN NULL
                WHEN b.days_left < 0 THEN 30 * b.quantity
                -- sold by expiry (× 30) = (days_left − start) × u, at most the batch
                ELSE 30 * b.quantity - least(30 * b.quantity, greatest(0, b.days_left * b.units_30 - f.start_u))
           END AS leftover_30,
           CASE WHEN b.own_movement IS NULL THEN b.last_sold
                WHEN b.last_sold IS NULL THEN b.own_movement
                ELSE greatest(b.own_movement, b.last_sold) END AS last_movement,
           as_of + CAST(setting_num('expiring_days') AS INTEGER) AS expiring_before,
           as_of - CAST(setting_num('no_movement_days') AS INTEGER) AS moved_since
    FROM batches b JOIN fefo f USING (bid)
)
SELECT stock_id, product_id, coalesce(name, product_id) AS name,
       list_filter(['expired', 'expiring', 'no_movement'],
           lambda r: (r = 'expired' AND coalesce(expiry_date < as_of, false))
             OR (r = 'expiring' AND coalesce(expiry_date >= as_of AND expiry_date < expiring_before, false))
             OR (r = 'no_movement' AND (last_movement IS NULL OR last_movement < moved_since))) AS reasons,
       quantity, expiry_date, last_movement, days_left, buy_price,
       cents(quantity, buy_price) AS value_at_risk,  -- in cents, as shown, so that the KPI is the list's total
       leftover_30,
       units_30  -- the product's units sold in the 30 days (the rate × 30), for markdowns.sql
FROM forecast
WHERE coalesce(expiry_date < expiring_before, false)
   OR last_movement IS NULL OR last_movement < moved_since
ORDER BY value_at_risk DESC NULLS LAST, stock_id;
