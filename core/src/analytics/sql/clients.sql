-- Clients (apply_client_reduction, SPEC §4): lifetime revenue = opening
-- revenue (total_revenue_generated, default 0) + revenue of all the client's
-- invoices up to as_of. Gold ≥ gold_min, Silver ≥ silver_min, else Standard;
-- eligible_promo when strictly above promo_threshold; to_next_tier = next
-- tier's minimum − lifetime revenue (NULL for Gold). Every amount is in cents
-- (each line rounded when computed, the opening value rounded half away from
-- zero), so what is shown is what is compared.
CREATE OR REPLACE MACRO client_tiers(as_of) AS TABLE
WITH bought AS (
    -- the months before as_of's (sales_client_month), then that month's days up to as_of
    SELECT client_id, sum(revenue) AS revenue
    FROM (SELECT client_id, revenue FROM sales_client_month
          WHERE month < CAST(date_trunc('month', as_of) AS DATE)
          UNION ALL
          SELECT client_id, revenue FROM sales_client_day
          WHERE client_id IS NOT NULL AND sale_date BETWEEN CAST(date_trunc('month', as_of) AS DATE) AND as_of)
    GROUP BY client_id
), lifetime AS (
    SELECT c.client_id, c.name,
           round(coalesce(c.total_revenue_generated, 0), 2) + coalesce(b.revenue, 0) AS lifetime_revenue
    FROM clients c LEFT JOIN bought b USING (client_id)
)
SELECT client_id, name, lifetime_revenue,
       CASE WHEN lifetime_revenue >= setting_num('gold_min') THEN 'Gold'
            WHEN lifetime_revenue >= setting_num('silver_min') THEN 'Silver'
            ELSE 'Standard' END AS tier,
       lifetime_revenue > setting_num('promo_threshold') AS eligible_promo,
       CASE WHEN lifetime_revenue >= setting_num('gold_min') THEN NULL
            WHEN lifetime_revenue >= setting_num('silver_min') THEN setting_num('gold_min') - lifetime_revenue
            ELSE setting_num('silver_min') - lifetime_revenue END AS to_next_tier
FROM lifetime
ORDER BY lifetime_revenue DESC, client_id;
