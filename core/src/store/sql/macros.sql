-- Shared scalar macros.
-- money(x): store currency, two decimals, as text ("1234.50"); exact decimal rounding.
CREATE OR REPLACE MACRO money(x) AS CAST(round(x, 2) AS DECIMAL(38, 2))::VARCHAR;
-- cents(qty, price): one line's amount, qty × price rounded to cents half away
-- from zero (SPEC §4: each line's revenue and cost, when computed). Exact:
-- DECIMAL × DECIMAL (quantities have 3 decimals, prices 4). A line under a
-- million units at under 100,000 a unit, every line in practice, multiplies in
-- 64 bits (DECIMAL(9, 3) × DECIMAL(9, 4)); any other is widened first so that
-- no product overflows. Both round the same exact product the same way; the
-- 128-bit rounding is ~8× slower, and the aggregates round every line.
CREATE OR REPLACE MACRO cents(qty, price) AS
    CASE WHEN abs(qty) < 1000000 AND abs(price) < 100000
         THEN round(CAST(qty AS DECIMAL(9, 3)) * CAST(price AS DECIMAL(9, 4)), 2)
         ELSE round(CAST(qty AS DECIMAL(38, 3)) * price, 2) END;
