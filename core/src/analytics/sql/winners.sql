-- Winners (calculate_product_winner, SPEC §4): the 10 products with the highest
-- profit in the window; ties → higher revenue, then product_id ascending.
-- Products whose profit is unknown (no buy_price) cannot rank. When no line of
-- the window has a cost, the 10 are ranked by revenue instead (ranked_by =
-- 'revenue') and their profit stays unknown (NULL), never 0.
CREATE OR REPLACE MACRO winners(d_from, d_to) AS TABLE
WITH sold AS MATERIALIZED (SELECT * FROM product_sales(d_from, d_to)),
basis AS (SELECT CASE WHEN coalesce(bool_or(cost IS NOT NULL), false) THEN 'profit' ELSE 'revenue' END AS ranked_by
          FROM sold),
-- The 10 are taken first (a top-N, not a sort of every product), then numbered.
top AS (
    SELECT s.product_id, s.name, s.qty AS quantity, s.revenue, s.profit, b.ranked_by,
           CASE WHEN b.ranked_by = 'profit' THEN s.profit ELSE s.revenue END AS score
    FROM sold AS s, basis AS b
    WHERE b.ranked_by = 'revenue' OR s.cost IS NOT NULL
    ORDER BY score DESC, s.revenue DESC, s.product_id ASC
    LIMIT 10
)
SELECT row_number() OVER (ORDER BY score DESC, revenue DESC, product_id ASC) AS rank,
       product_id, name, quantity, revenue, profit, ranked_by
FROM top
ORDER BY rank;
