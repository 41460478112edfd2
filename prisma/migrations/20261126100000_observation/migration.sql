-- "Observation": one narrow row per counted prediction (variant "original", device or reference),
-- kept by the database itself (triggers below), with the capture's facts the instability queries
-- group and filter by. A report reads this table alone: no join of two wide, UUID-keyed
-- million-row tables (Capture ~370 bytes and Prediction ~700 bytes a row against ~100 here), and it
-- groups by small integers instead of UUID text. Scenes, devices and device-model keys get
-- stable integer numbers ("seq") for that; the numbers are internal and never leave the database
-- except as join keys inside one report.
ALTER TABLE "Scene" ADD COLUMN "seq" SERIAL NOT NULL;
CREATE UNIQUE INDEX "Scene_seq_key" ON "Scene"("seq");
ALTER TABLE "Device" ADD COLUMN "seq" SERIAL NOT NULL;
CREATE UNIQUE INDEX "Device_seq_key" ON "Device"("seq");

CREATE TABLE "DeviceModelKey" (
    "seq" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    CONSTRAINT "DeviceModelKey_pkey" PRIMARY KEY ("seq")
);
CREATE UNIQUE INDEX "DeviceModelKey_key_key" ON "DeviceModelKey"("key");

CREATE TABLE "Observation" (
    "predictionId" INTEGER NOT NULL,
    "studyId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "captureId" TEXT NOT NULL,
    "sceneSeq" INTEGER NOT NULL,
    "deviceSeq" INTEGER NOT NULL,
    "deviceModelSeq" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "captureMethod" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "label" INTEGER NOT NULL,
    "topIndices" INTEGER[],
    CONSTRAINT "Observation_pkey" PRIMARY KEY ("predictionId")
);
CREATE INDEX "Observation_studyId_source_idx" ON "Observation"("studyId", "source");
CREATE INDEX "Observation_captureId_idx" ON "Observation"("captureId");
ALTER TABLE "Observation" ADD CONSTRAINT "Observation_predictionId_fkey" FOREIGN KEY ("predictionId") REFERENCES "Prediction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The number of a device-model key, numbered on first use. A concurrent first use waits on the
-- unique index and then reads the other transaction's row (READ COMMITTED: a new snapshot per statement).
CREATE FUNCTION "parallax_device_model_seq"(model_key text) RETURNS integer
  LANGUAGE plpgsql
  AS $$
DECLARE
  result integer;
BEGIN
  SELECT "seq" INTO result FROM "DeviceModelKey" WHERE "key" = model_key;
  IF result IS NULL THEN
    INSERT INTO "DeviceModelKey" ("key") VALUES (model_key) ON CONFLICT ("key") DO NOTHING RETURNING "seq" INTO result;
    IF result IS NULL THEN
      SELECT "seq" INTO result FROM "DeviceModelKey" WHERE "key" = model_key;
    END IF;
  END IF;
  RETURN result;
END
$$;

-- A prediction of the capture as stored is observed when it is inserted (an AFTER trigger: a
-- capture inserted by the same statement is visible by then); a changed prediction is observed
-- again; a deleted one goes with its prediction (foreign key, ON DELETE CASCADE).
CREATE FUNCTION "parallax_observe_prediction"() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM "Observation" WHERE "predictionId" = OLD."id";
  END IF;
  IF NEW."variant" = 'original' THEN
    INSERT INTO "Observation" ("predictionId", "studyId", "source", "captureId", "sceneSeq", "deviceSeq", "deviceModelSeq",
                               "createdAt", "captureMethod", "backend", "label", "topIndices")
    -- The key is almost always numbered already: a join, and the numbering function only for a new key.
    SELECT NEW."id", NEW."studyId", NEW."source", c."id", s."seq", d."seq", COALESCE(k."seq", "parallax_device_model_seq"(c."deviceModelKey")),
           c."createdAt", c."captureMethod", NEW."backend", NEW."top1Index", "parallax_top_indices"(NEW."top")
    FROM "Capture" c JOIN "Scene" s ON s."id" = c."sceneId" JOIN "Device" d ON d."id" = c."deviceId"
    LEFT JOIN "DeviceModelKey" k ON k."key" = c."deviceModelKey"
    WHERE c."id" = NEW."captureId";
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Prediction_observe"
  AFTER INSERT OR UPDATE OF "id", "captureId", "studyId", "source", "variant", "backend", "top1Index", "top" ON "Prediction"
  FOR EACH ROW EXECUTE FUNCTION "parallax_observe_prediction"();

-- A capture's facts change rarely (a corrected scene, a device identified anew): its observations follow.
CREATE FUNCTION "parallax_observe_capture"() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  UPDATE "Observation" SET
    "sceneSeq" = (SELECT s."seq" FROM "Scene" s WHERE s."id" = NEW."sceneId"),
    "deviceSeq" = (SELECT d."seq" FROM "Device" d WHERE d."id" = NEW."deviceId"),
    "deviceModelSeq" = "parallax_device_model_seq"(NEW."deviceModelKey"),
    "createdAt" = NEW."createdAt",
    "captureMethod" = NEW."captureMethod"
  WHERE "captureId" = NEW."id";
  RETURN NULL;
END
$$;
CREATE TRIGGER "Capture_observe"
  AFTER UPDATE OF "sceneId", "deviceId", "deviceModelKey", "createdAt", "captureMethod" ON "Capture"
  FOR EACH ROW
  WHEN (OLD."sceneId" IS DISTINCT FROM NEW."sceneId" OR OLD."deviceId" IS DISTINCT FROM NEW."deviceId"
        OR OLD."deviceModelKey" IS DISTINCT FROM NEW."deviceModelKey" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt"
        OR OLD."captureMethod" IS DISTINCT FROM NEW."captureMethod")
  EXECUTE FUNCTION "parallax_observe_capture"();

-- Observes a whole study's predictions again in one statement: for bulk loads that ran without
-- triggers (session_replication_role = replica), and for the rows that exist when this migration runs.
CREATE FUNCTION "parallax_rebuild_observations"(study text) RETURNS void
  LANGUAGE sql
  AS $$
  DELETE FROM "Observation" WHERE "studyId" = study;
  INSERT INTO "DeviceModelKey" ("key")
    SELECT DISTINCT c."deviceModelKey" FROM "Capture" c WHERE c."studyId" = study
  ON CONFLICT ("key") DO NOTHING;
  INSERT INTO "Observation" ("predictionId", "studyId", "source", "captureId", "sceneSeq", "deviceSeq", "deviceModelSeq",
                             "createdAt", "captureMethod", "backend", "label", "topIndices")
  SELECT p."id", p."studyId", p."source", c."id", s."seq", d."seq", k."seq", c."createdAt", c."captureMethod", p."backend", p."top1Index",
         "parallax_top_indices"(p."top")
  FROM "Prediction" p
  JOIN "Capture" c ON c."id" = p."captureId"
  JOIN "Scene" s ON s."id" = c."sceneId"
  JOIN "Device" d ON d."id" = c."deviceId"
  JOIN "DeviceModelKey" k ON k."key" = c."deviceModelKey"
  WHERE p."studyId" = study AND p."variant" = 'original';
$$;

SELECT "parallax_rebuild_observations"("id") FROM "Study";

-- Only Observation reads a prediction's top indices now, and only for predictions of the capture as
-- stored: the generated column on every Prediction row (migration 20261126000000) cost a PL/pgSQL
-- call per insert for variants nobody reads (the display-mode crop sent with every upload, the
-- compression probe's four re-encodings), ~50 µs each on PGlite. The trigger and the rebuild above
-- compute them with the same function; the column goes.
ALTER TABLE "Prediction" DROP COLUMN "topIndices";
