-- Effective settings: the defaults of SPEC §4, overridden by rows of `settings`.
CREATE OR REPLACE TEMP VIEW settings_effective AS
WITH defaults(key, value) AS (VALUES
    ('expiring_days', '7'),        -- expiring: as_of ≤ expiry < as_of + expiring_days
    ('no_movement_days', '30'),    -- no_movement: last movement < as_of − no_movement_days
    ('silver_min', '5000'),
    ('gold_min', '20000'),
    ('promo_threshold', '10000'),  -- eligible when lifetime revenue is strictly above
    ('min_margin', '0'),           -- margin threshold of products that have none
    ('as_of', 'latest'),           -- 'latest' (date of the latest invoice) or YYYY-MM-DD
    ('currency', '€'),
    ('language', 'auto'),          -- 'auto' (the system's), 'fr' or 'en'
    ('theme', 'system'),           -- 'system', 'light' or 'dark'
    ('watch_folder', ''))          -- a folder whose new workbooks are imported by themselves; '' = none
SELECT d.key, coalesce(s.value, d.value) AS value
FROM defaults d LEFT JOIN settings s USING (key);

CREATE OR REPLACE TEMP MACRO setting_num(k) AS
    (SELECT CAST(value AS DECIMAL(18, 4)) FROM settings_effective WHERE key = k);
