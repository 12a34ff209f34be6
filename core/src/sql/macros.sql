-- Shared scalar macros (temporary: re-created on every open).
-- money(x): store currency, two decimals, as text ("1234.50"); exact decimal rounding.
CREATE OR REPLACE TEMP MACRO money(x) AS CAST(round(x, 2) AS DECIMAL(38, 2))::VARCHAR;
