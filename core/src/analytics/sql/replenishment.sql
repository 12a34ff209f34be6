-- Replenishment (SPEC §4.1): every product sold in the 30 days up to as_of
-- (units_30 > 0: its units sold as_of − 29 … as_of, returns deducted, stock
-- adjustments left out, exactly the loss-risk forecast's rate × 30).
--   rate          = units_30 ÷ 30 a day
--   on_hand       = Σ quantity of its stock rows with quantity > 0 that have not
--                   expired (expiry_date ≥ as_of, or no expiry date)
--   days_of_cover = on_hand ÷ rate = 30 × on_hand ÷ units_30
--   stock-out     = as_of + ⌊days_of_cover⌋ (as_of itself when nothing is on hand)
--   reorder       = days_of_cover < lead_time_days + safety_days
--   suggested     = ⌈rate × target_cover_days − on_hand⌉ when positive
-- Exact: read from the daily aggregates (product_sales), and nothing is divided
-- here. The comparison is multiplied out (30 × on_hand < days × units_30); the
-- floor and the ceiling are integer divisions of thousandths (quantities have 3
-- decimals), and so are the rate and the cover as shown.
CREATE OR REPLACE MACRO replenishment(as_of) AS TABLE
WITH sold AS (
    SELECT product_id, name, buy_price, CAST(qty AS DECIMAL(38, 3)) AS units_30
    FROM product_sales(as_of - 29, as_of)
    WHERE qty > 0
),
held AS (
    SELECT product_id, sum(quantity) AS on_hand
    FROM stock
    WHERE quantity > 0 AND (expiry_date IS NULL OR expiry_date >= as_of)
      AND product_id IN (SELECT product_id FROM sold)
    GROUP BY product_id
),
figures AS (
    SELECT s.product_id, s.name, s.buy_price, s.units_30,
           CAST(coalesce(h.on_hand, 0) AS DECIMAL(38, 3)) AS on_hand,
           CAST(setting_num('lead_time_days') + setting_num('safety_days') AS DECIMAL(18, 0)) AS reorder_below,
           CAST(setting_num('target_cover_days') AS DECIMAL(18, 0)) AS target_days
    FROM sold s LEFT JOIN held h USING (product_id)
)
SELECT product_id, name, buy_price, units_30, on_hand,
       30 * on_hand < reorder_below * units_30 AS reorder,
       -- ⌊30 × on_hand ÷ units_30⌋, in thousandths on both sides
       CAST(30 * on_hand * 1000 AS HUGEINT) // CAST(units_30 * 1000 AS HUGEINT) AS cover_days,
       -- ⌈(units_30 × target − 30 × on_hand) ÷ 30⌉ when positive, in thousandths: ⌈n ÷ 30000⌉
       CASE WHEN units_30 * target_days > 30 * on_hand
            THEN (CAST((units_30 * target_days - 30 * on_hand) * 1000 AS HUGEINT) + 29999) // 30000
       END AS suggested_quantity,
       -- what is shown, rounded half away from zero (all positive), in exact integers of
       -- thousandths: the rate (units_30 ÷ 30, 3 decimals) and the cover (2 decimals)
       CAST((CAST(units_30 * 1000 AS HUGEINT) + 15) // 30 AS DECIMAL(38, 0)) * 0.001 AS daily_rate,
       CAST((CAST(on_hand * 1000 AS HUGEINT) * 6000 + CAST(units_30 * 1000 AS HUGEINT)) // (2 * CAST(units_30 * 1000 AS HUGEINT))
            AS DECIMAL(38, 0)) * 0.01 AS days_of_cover,
       -- for the order: 30 × on_hand ÷ units_30 as a binary float (equal ratios give equal floats)
       30 * on_hand / units_30 AS cover_order
FROM figures;
