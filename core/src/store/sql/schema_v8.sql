-- v8 (issue 16): the analytics' macros live in the store instead of being made
-- again, parsed and checked, by every connection at open (~50 ms of every
-- command). This table names the version of them the store holds (a digest of
-- their text, `Store::init`): a build whose macros differ installs its own.
CREATE TABLE installed_macros (
    version VARCHAR NOT NULL
);
