-- Effective settings: the catalog's defaults (`setting_defaults`, made from
-- core/src/store/catalog.rs at open), overridden by rows of `settings`.
CREATE OR REPLACE TEMP VIEW settings_effective AS
SELECT d.key, coalesce(s.value, d.value) AS value, d.position
FROM setting_defaults d LEFT JOIN settings s USING (key);

-- setting_num(k): a numeric setting, read from the settings each time it is
-- used (setting_num_stored). A report, whose views use a dozen of them, reads
-- them once: while it runs, the variable kept_settings holds them all (a map)
-- and setting_num is setting_num_kept, a constant when a query is planned,
-- instead of a subquery planned at every use (`analytics::KeptSales`).
CREATE OR REPLACE MACRO setting_num_stored(k) AS
    (SELECT CAST(value AS DECIMAL(18, 4)) FROM settings_effective WHERE key = k);
CREATE OR REPLACE MACRO setting_num_kept(k) AS
    CAST(getvariable('kept_settings')[k] AS DECIMAL(18, 4));
CREATE OR REPLACE TEMP MACRO setting_num(k) AS setting_num_stored(k);
