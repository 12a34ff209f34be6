-- Shared scalar macros (temporary: re-created on every open).
-- money(x): store currency, two decimals, as text ("1234.50"); exact decimal rounding.
CREATE OR REPLACE TEMP MACRO money(x) AS CAST(round(x, 2) AS DECIMAL(38, 2))::VARCHAR;
-- cents(qty, price): one line's amount, qty × price rounded to cents half away
-- from zero (SPEC §4: each line's revenue and cost, when computed). Exact:
-- DECIMAL × DECIMAL, widened first so that no product overflows.
CREATE OR REPLACE TEMP MACRO cents(qty, price) AS round(CAST(qty AS DECIMAL(38, 3)) * price, 2);
