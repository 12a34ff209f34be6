-- Winners (calculate_product_winner, SPEC §4): the 10 products with the highest
-- profit in the window; ties → higher revenue, then product_id ascending.
-- Products whose profit is unknown (no buy_price) cannot rank.
CREATE OR REPLACE TEMP MACRO winners(d_from, d_to) AS TABLE
SELECT
    row_number() OVER (ORDER BY profit DESC, revenue DESC, product_id ASC) AS rank,
    product_id,
    name,
    qty AS quantity,
    revenue,
    profit
FROM product_sales(d_from, d_to)
WHERE buy_price IS NOT NULL
ORDER BY rank
LIMIT 10;
