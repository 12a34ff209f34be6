-- Sales per product category over a window: revenue, profit (NULL when no
-- product of the category has a buy price) and units. Products without a
-- category form one group whose category is NULL, listed last among equals.
CREATE OR REPLACE MACRO category_sales(d_from, d_to) AS TABLE
SELECT p.category, sum(s.revenue) AS revenue, sum(s.profit) AS profit, sum(s.qty) AS quantity
FROM product_sales(d_from, d_to) AS s LEFT JOIN products AS p USING (product_id)
GROUP BY p.category
ORDER BY revenue DESC, p.category NULLS LAST;
