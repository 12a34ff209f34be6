-- Winners (calculate_product_winner, SPEC §4): the 10 products with the highest
-- profit in the window; ties → higher revenue, then product_id ascending.
-- Products whose profit is unknown (no buy_price) cannot rank.
CREATE OR REPLACE TEMP MACRO winners(d_from, d_to) AS TABLE
WITH per_product AS (
    SELECT
        e.product_id,
        sum(e.qty)     AS quantity,
        sum(e.revenue) AS revenue,
        sum(e.profit)  AS profit
    FROM line_economics(d_from, d_to) AS e
    WHERE e.buy_price IS NOT NULL
    GROUP BY e.product_id
)
SELECT
    row_number() OVER (ORDER BY w.profit DESC, w.revenue DESC, w.product_id ASC) AS rank,
    w.product_id,
    coalesce(p.name, w.product_id) AS name,
    w.quantity,
    w.revenue,
    w.profit
FROM per_product AS w
LEFT JOIN products AS p USING (product_id)
ORDER BY rank
LIMIT 10;
