-- Effective settings: the catalog's defaults (`setting_defaults`, made from
-- core/src/store/catalog.rs at open), overridden by rows of `settings`.
CREATE OR REPLACE TEMP VIEW settings_effective AS
SELECT d.key, coalesce(s.value, d.value) AS value, d.position
FROM setting_defaults d LEFT JOIN settings s USING (key);

CREATE OR REPLACE TEMP MACRO setting_num(k) AS
    (SELECT CAST(value AS DECIMAL(18, 4)) FROM settings_effective WHERE key = k);
