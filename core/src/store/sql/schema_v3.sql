-- v3: whether an import's raw batch reached the Parquet lake (lake.rs); the
-- ones still false are written at the next open.
ALTER TABLE imports ADD COLUMN lake_written BOOLEAN DEFAULT false;

-- Imports that failed without writing anything (the watch folder's, so that
-- their problems stay visible in the history).
CREATE TABLE import_failures (
    failed_at  TIMESTAMP NOT NULL,
    file_name  VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL,
    message    VARCHAR NOT NULL,   -- one sentence
    problems   VARCHAR NOT NULL    -- JSON: the first problems, shape of SPEC §3
);
