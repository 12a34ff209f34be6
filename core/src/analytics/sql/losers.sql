-- Losers (SPEC §4): products whose margin rate (sell − buy) / sell is below
-- their min_margin_threshold (default setting min_margin), plus products whose
-- profit in the window is negative. A product may carry both reasons. A
-- product without sell_price or without buy_price has no margin rate: it is a
-- loser only through negative profit. A sell_price of 0 (or less) below a
-- buy_price is selling below cost.
CREATE OR REPLACE MACRO losers(d_from, d_to) AS TABLE
WITH sold AS (
    SELECT product_id, qty AS quantity, revenue, profit FROM product_sales(d_from, d_to)
), rated AS (
    SELECT p.product_id, p.name, p.buy_price, p.sell_price,
           CASE WHEN p.sell_price > 0 AND p.buy_price IS NOT NULL
                THEN (p.sell_price - p.buy_price) / p.sell_price END AS margin_rate,
           coalesce(p.min_margin_threshold, setting_num('min_margin')) AS min_margin_threshold,
           -- exact: (sell − buy) / sell < threshold ⇔ sell − buy < threshold × sell (sell > 0)
           CASE WHEN p.sell_price IS NULL OR p.buy_price IS NULL THEN false
                WHEN p.sell_price > 0
                THEN p.sell_price - p.buy_price < coalesce(p.min_margin_threshold, setting_num('min_margin')) * p.sell_price
                ELSE p.buy_price > p.sell_price END AS margin_low,
           s.quantity, s.revenue, s.profit
    FROM products p LEFT JOIN sold s USING (product_id)
)
SELECT product_id, name, buy_price, sell_price, margin_rate, min_margin_threshold,
       coalesce(quantity, 0) AS quantity, coalesce(revenue, 0) AS revenue, coalesce(profit, 0) AS profit,
       list_filter(['margin_below_threshold', 'negative_profit'],
                   lambda r: (r = 'margin_below_threshold' AND margin_low)
                          OR (r = 'negative_profit' AND coalesce(profit < 0, false))) AS reasons
FROM rated
WHERE margin_low OR coalesce(profit < 0, false)
ORDER BY coalesce(profit, 0) ASC, margin_rate ASC NULLS LAST, product_id;
