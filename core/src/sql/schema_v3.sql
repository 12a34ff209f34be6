-- v3: whether an import's raw batch reached the Parquet lake (lake.rs); the
-- ones still false are written at the next open.
ALTER TABLE imports ADD COLUMN lake_written BOOLEAN DEFAULT false;
