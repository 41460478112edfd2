-- "Vote": the vote of every (study, source, scene, device model) group, kept by the database as
-- observations come and go, so that a study's unfiltered instability report reads its votes
-- instead of aggregating a million observations into them on every request (about 2 s of the
-- report on PostgreSQL). The vote rule is PRODUCT.md's, written once, in the view below: the most
-- frequent top-1 of the group's observations, ties to the label whose earliest capture (createdAt,
-- then capture id in byte order) is earliest; the deciding prediction is that label's earliest
-- capture. Reports with filters (dates, backend, capture method, device models) still compute their
-- votes from the observations they count (lib/instability/sql/prepare-vote-tables.ts); a database
-- test checks after every kind of write that this table equals those votes.
--
-- Concurrency (PostgreSQL server, READ COMMITTED): an upload holds the study's advisory lock
-- shared and its group's, (scene number, device-model number), exclusive, and reads the vote in a
-- later statement, whose snapshot sees every transaction that held the lock before. Everything
-- else that changes votes (deletions, moved captures, rebuilds; rare, and possibly touching
-- thousands of groups, more than the lock table holds) takes the study's lock exclusive. Locks are
-- taken study first, then group.
CREATE TABLE "Vote" (
    "studyId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "sceneSeq" INTEGER NOT NULL,
    "deviceModelSeq" INTEGER NOT NULL,
    "label" INTEGER NOT NULL,
    "captures" INTEGER NOT NULL,
    "capturesForLabel" INTEGER NOT NULL,
    -- The deciding prediction and its capture.
    "predictionId" INTEGER NOT NULL,
    "captureId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "topIndices" INTEGER[],
    -- "deviceModelSeq label top1 top2 …" ("n" for a missing top entry): the vote as the report's
    -- pair counter reads it (lib/instability/count-scene-pairs.ts), written once here instead of on
    -- every report (~0.5 s of text building per report on a million predictions).
    "text" TEXT NOT NULL,
    CONSTRAINT "Vote_pkey" PRIMARY KEY ("studyId", "source", "sceneSeq", "deviceModelSeq")
);
ALTER TABLE "Vote" ADD CONSTRAINT "Vote_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "Study"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- A group's observations (scene numbers are unique across studies), each label's in capture order:
-- a label's count and earliest capture without reading the rest of the group.
CREATE INDEX "Observation_vote_group_idx" ON "Observation"("sceneSeq", "deviceModelSeq", "label", "createdAt", "captureId" COLLATE "C");

CREATE FUNCTION "parallax_vote_text"(model integer, label integer, top integer[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT array_to_string(ARRAY[model, label] || top, ' ', 'n') $$;

-- The vote rule, once. Conditions on the group's columns reach the scan (they are partition and
-- DISTINCT ON keys), so one group's vote is a few index lookups.
CREATE VIEW "ObservationVote" AS
  SELECT DISTINCT ON ("studyId", "source", "sceneSeq", "deviceModelSeq")
         "studyId", "source", "sceneSeq", "deviceModelSeq", "label", "captures", "capturesForLabel", "predictionId", "captureId", "createdAt",
         "topIndices", "parallax_vote_text"("deviceModelSeq", "label", "topIndices") AS "text"
  FROM (SELECT o.*,
               count(*) OVER (PARTITION BY "studyId", "source", "sceneSeq", "deviceModelSeq")::int AS "captures",
               count(*) OVER (PARTITION BY "studyId", "source", "sceneSeq", "deviceModelSeq", "label")::int AS "capturesForLabel"
        FROM "Observation" o) counted
  ORDER BY "studyId", "source", "sceneSeq", "deviceModelSeq", "capturesForLabel" DESC, "createdAt", "captureId" COLLATE "C";

-- Recomputes the votes of the groups (scenes[i], models[i]) of one study and source from their
-- observations: changed, added, or removed when a group has no observation left.
CREATE FUNCTION "parallax_revote"(study text, vote_source text, scenes integer[], models integer[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  -- A study being deleted: its votes go with it (foreign key), nothing to recompute.
  IF NOT EXISTS (SELECT 1 FROM "Study" WHERE "id" = study) THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(0, hashtext(study));
  -- A later statement than the lock: it sees the observations of every earlier holder.
  WITH groups AS (
         SELECT DISTINCT s, m FROM unnest(scenes, models) AS u(s, m)
       ), fresh AS (
         SELECT w.* FROM groups g, LATERAL (
           SELECT * FROM "ObservationVote" w
           WHERE w."studyId" = study AND w."source" = vote_source AND w."sceneSeq" = g.s AND w."deviceModelSeq" = g.m
         ) w
       ), emptied AS (
         DELETE FROM "Vote" v USING groups g
         WHERE v."studyId" = study AND v."source" = vote_source AND v."sceneSeq" = g.s AND v."deviceModelSeq" = g.m
           AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f."sceneSeq" = g.s AND f."deviceModelSeq" = g.m)
       )
  INSERT INTO "Vote" SELECT * FROM fresh
  ON CONFLICT ("studyId", "source", "sceneSeq", "deviceModelSeq") DO UPDATE SET
    "label" = EXCLUDED."label", "captures" = EXCLUDED."captures", "capturesForLabel" = EXCLUDED."capturesForLabel",
    "predictionId" = EXCLUDED."predictionId", "captureId" = EXCLUDED."captureId", "createdAt" = EXCLUDED."createdAt",
    "topIndices" = EXCLUDED."topIndices", "text" = EXCLUDED."text";
END
$$;

-- An observation inserted (the upload's path) counts into its group's vote in a few index lookups,
-- however many captures the group has: the group's first observation is its vote; one more
-- capture of the voted label may be the earlier deciding one; another label takes the vote when
-- its count passes the vote's, or equals it with an earlier earliest capture.
CREATE FUNCTION "parallax_vote_observation"() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  vote record;
  label_count integer;
  -- Set when the new observation's label decides the vote: its earliest capture.
  decides boolean := false;
  first_prediction integer;
  first_capture text;
  first_created timestamptz(3);
  first_top integer[];
BEGIN
  -- The study's lock shared, then the group's (see the top of this file).
  PERFORM pg_advisory_xact_lock_shared(0, hashtext(NEW."studyId")), pg_advisory_xact_lock(NEW."sceneSeq", NEW."deviceModelSeq");
  -- From here on each statement sees the vote and the observations as the lock's last holder left them.
  INSERT INTO "Vote" VALUES (NEW."studyId", NEW."source", NEW."sceneSeq", NEW."deviceModelSeq", NEW."label", 1, 1, NEW."predictionId",
                             NEW."captureId", NEW."createdAt", NEW."topIndices", "parallax_vote_text"(NEW."deviceModelSeq", NEW."label", NEW."topIndices"))
  ON CONFLICT ("studyId", "source", "sceneSeq", "deviceModelSeq") DO NOTHING;
  IF FOUND THEN
    RETURN NULL; -- the group's first observation is its vote
  END IF;
  SELECT v."label", v."capturesForLabel", v."createdAt", v."captureId" INTO vote
  FROM "Vote" v WHERE v."studyId" = NEW."studyId" AND v."source" = NEW."source" AND v."sceneSeq" = NEW."sceneSeq" AND v."deviceModelSeq" = NEW."deviceModelSeq";
  IF NEW."label" = vote."label" THEN
    label_count := vote."capturesForLabel" + 1;
    IF NEW."createdAt" < vote."createdAt" OR (NEW."createdAt" = vote."createdAt" AND NEW."captureId" COLLATE "C" < vote."captureId" COLLATE "C") THEN
      decides := true;
      first_prediction := NEW."predictionId";
      first_capture := NEW."captureId";
      first_created := NEW."createdAt";
      first_top := NEW."topIndices";
    END IF;
  ELSE
    SELECT count(*)::int INTO label_count FROM "Observation" o
    WHERE o."sceneSeq" = NEW."sceneSeq" AND o."deviceModelSeq" = NEW."deviceModelSeq" AND o."label" = NEW."label"
      AND o."studyId" = NEW."studyId" AND o."source" = NEW."source";
    IF label_count >= vote."capturesForLabel" THEN
      SELECT o."predictionId", o."captureId", o."createdAt", o."topIndices" INTO first_prediction, first_capture, first_created, first_top
      FROM "Observation" o
      WHERE o."sceneSeq" = NEW."sceneSeq" AND o."deviceModelSeq" = NEW."deviceModelSeq" AND o."label" = NEW."label"
        AND o."studyId" = NEW."studyId" AND o."source" = NEW."source"
      ORDER BY o."createdAt", o."captureId" COLLATE "C" LIMIT 1;
      -- More captures, or as many with an earlier earliest capture.
      decides := label_count > vote."capturesForLabel"
        OR first_created < vote."createdAt" OR (first_created = vote."createdAt" AND first_capture COLLATE "C" < vote."captureId" COLLATE "C");
    END IF;
  END IF;
  IF NOT decides THEN
    -- The vote stands: one more capture, and one more for its label when the label is the voted one.
    UPDATE "Vote" v SET "captures" = v."captures" + 1, "capturesForLabel" = CASE WHEN NEW."label" = vote."label" THEN label_count ELSE v."capturesForLabel" END
    WHERE v."studyId" = NEW."studyId" AND v."source" = NEW."source" AND v."sceneSeq" = NEW."sceneSeq" AND v."deviceModelSeq" = NEW."deviceModelSeq";
  ELSE
    -- The new observation's label decides now, by its earliest capture.
    UPDATE "Vote" v SET "label" = NEW."label", "captures" = v."captures" + 1, "capturesForLabel" = label_count,
      "predictionId" = first_prediction, "captureId" = first_capture, "createdAt" = first_created,
      "topIndices" = first_top, "text" = "parallax_vote_text"(NEW."deviceModelSeq", NEW."label", first_top)
    WHERE v."studyId" = NEW."studyId" AND v."source" = NEW."source" AND v."sceneSeq" = NEW."sceneSeq" AND v."deviceModelSeq" = NEW."deviceModelSeq";
  END IF;
  RETURN NULL;
END
$$;
-- parallax_rebuild_observations rebuilds a whole study's votes itself.
CREATE TRIGGER "Observation_vote_inserted"
  AFTER INSERT ON "Observation"
  FOR EACH ROW WHEN (NEW."studyId" IS DISTINCT FROM current_setting('parallax.rebuilding_study', true))
  EXECUTE FUNCTION "parallax_vote_observation"();

-- Observations removed (a prediction or capture deleted, a prediction changed) or moved (a
-- capture's facts changed): the groups they left and joined are recomputed. One call per
-- statement, with the statement's rows.
CREATE FUNCTION "parallax_revote_changed_observations"() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  changed record;
BEGIN
  -- (The transition table new_rows exists for UPDATE only; each query is planned when first run.)
  IF TG_OP = 'UPDATE' THEN
    FOR changed IN
      SELECT "studyId", "source", array_agg("sceneSeq") AS scenes, array_agg("deviceModelSeq") AS models
      FROM (SELECT "studyId", "source", "sceneSeq", "deviceModelSeq" FROM old_rows
            UNION SELECT "studyId", "source", "sceneSeq", "deviceModelSeq" FROM new_rows) moved
      -- parallax_rebuild_observations rebuilds a whole study's votes itself.
      WHERE "studyId" IS DISTINCT FROM current_setting('parallax.rebuilding_study', true)
      GROUP BY "studyId", "source"
    LOOP
      PERFORM "parallax_revote"(changed."studyId", changed."source", changed.scenes, changed.models);
    END LOOP;
  ELSE
    FOR changed IN
      SELECT "studyId", "source", array_agg("sceneSeq") AS scenes, array_agg("deviceModelSeq") AS models
      FROM (SELECT DISTINCT "studyId", "source", "sceneSeq", "deviceModelSeq" FROM old_rows) removed
      WHERE "studyId" IS DISTINCT FROM current_setting('parallax.rebuilding_study', true)
      GROUP BY "studyId", "source"
    LOOP
      PERFORM "parallax_revote"(changed."studyId", changed."source", changed.scenes, changed.models);
    END LOOP;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Observation_revote_deleted"
  AFTER DELETE ON "Observation" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "parallax_revote_changed_observations"();
CREATE TRIGGER "Observation_revote_updated"
  AFTER UPDATE ON "Observation" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "parallax_revote_changed_observations"();

-- Rebuilds a whole study's observations (the function of migration 20261126100000_observation,
-- kept under a new name) and its votes: for bulk loads that ran without triggers
-- (session_replication_role = replica). Holds the study's lock exclusive; the observation
-- triggers leave this study's votes alone meanwhile.
ALTER FUNCTION "parallax_rebuild_observations"(text) RENAME TO "parallax_observe_study";
CREATE FUNCTION "parallax_rebuild_observations"(study text) RETURNS void
  LANGUAGE sql
  AS $$
  SELECT pg_advisory_xact_lock(0, hashtext(study));
  SELECT set_config('parallax.rebuilding_study', study, true);
  DELETE FROM "Vote" WHERE "studyId" = study;
  SELECT "parallax_observe_study"(study);
  INSERT INTO "Vote" SELECT * FROM "ObservationVote" WHERE "studyId" = study;
  SELECT set_config('parallax.rebuilding_study', '', true);
$$;

-- The votes of the observations that exist when this migration runs.
INSERT INTO "Vote" SELECT * FROM "ObservationVote";
