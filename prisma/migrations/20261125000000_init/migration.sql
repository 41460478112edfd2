-- CreateTable
CREATE TABLE "Researcher" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "invitedById" TEXT,

    CONSTRAINT "Researcher_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ResearcherSession" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "researcherId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ResearcherSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "researcherId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "expiresAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Model" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "blobKey" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "task" TEXT NOT NULL DEFAULT 'image-classification',
    "inputName" TEXT NOT NULL,
    "outputName" TEXT NOT NULL,
    "layout" TEXT NOT NULL,
    "inputWidth" INTEGER NOT NULL,
    "inputHeight" INTEGER NOT NULL,
    "preprocessing" JSONB NOT NULL,
    "labels" JSONB NOT NULL,
    "numClasses" INTEGER NOT NULL,
    "topK" INTEGER NOT NULL DEFAULT 5,
    "isBuiltin" BOOLEAN NOT NULL DEFAULT false,
    "source" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Study" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "code" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "consentText" TEXT NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'open',
    "isDemo" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "displaySceneKey" TEXT,
    "displayUpdatedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Study_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Scene" (
    "id" TEXT NOT NULL,
    "studyId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "label" TEXT,
    "labelIndex" INTEGER,
    "stimulusBlobKey" TEXT,
    "stimulusMime" TEXT,
    "stimulusSha256" TEXT,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Scene_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Device" (
    "id" TEXT NOT NULL,
    "studyId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userAgent" TEXT,
    "uaBrands" TEXT,
    "uaPlatform" TEXT,
    "uaPlatformVersion" TEXT,
    "uaModel" TEXT,
    "uaMobile" BOOLEAN,
    "exifMake" TEXT,
    "exifModel" TEXT,
    "exifSoftware" TEXT,
    "gpuVendor" TEXT,
    "gpuArchitecture" TEXT,
    "gpuDevice" TEXT,
    "gpuDescription" TEXT,
    "ortVersion" TEXT,
    "ortBundle" TEXT,
    "hardwareConcurrency" INTEGER,
    "screenWidth" INTEGER,
    "screenHeight" INTEGER,
    "devicePixelRatio" DOUBLE PRECISION,
    "info" JSONB NOT NULL DEFAULT '{}',
    "deviceModelKey" TEXT NOT NULL DEFAULT 'unknown',
    "deviceModelSource" TEXT NOT NULL DEFAULT 'unknown',
    "isSimulated" BOOLEAN NOT NULL DEFAULT false,
    "revokedAt" TIMESTAMPTZ(3),
    "deletionRequestedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Device_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Capture" (
    "id" TEXT NOT NULL,
    "studyId" TEXT NOT NULL,
    "clientCaptureId" TEXT NOT NULL,
    "sceneId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "deviceModelKey" TEXT NOT NULL,
    "captureMethod" TEXT NOT NULL,
    "burstId" TEXT,
    "burstIndex" INTEGER,
    "blobKey" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "originalSha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "mime" TEXT NOT NULL,
    "orientation" INTEGER,
    "exifMake" TEXT,
    "exifModel" TEXT,
    "exifSoftware" TEXT,
    "exif" JSONB NOT NULL DEFAULT '{}',
    "hadLocation" BOOLEAN NOT NULL DEFAULT false,
    "clientCapturedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "referenceStatus" TEXT NOT NULL DEFAULT 'pending',
    "referenceError" TEXT,
    "referenceAttempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Capture_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Prediction" (
    "id" SERIAL NOT NULL,
    "captureId" TEXT NOT NULL,
    "studyId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "variant" TEXT NOT NULL DEFAULT 'original',
    "backend" TEXT NOT NULL,
    "runtime" TEXT NOT NULL,
    "runtimeVersion" TEXT,
    "runtimeBundle" TEXT,
    "threads" INTEGER,
    "webgpuFailure" TEXT,
    "modelSha256" TEXT NOT NULL,
    "top" JSONB NOT NULL,
    "top1Index" INTEGER NOT NULL,
    "top1Prob" DOUBLE PRECISION NOT NULL,
    "decodeMs" DOUBLE PRECISION,
    "preprocessMs" DOUBLE PRECISION,
    "inferenceMs" DOUBLE PRECISION,
    "preprocessingId" TEXT NOT NULL,
    "tensorSha256" TEXT,
    "tensorSummary" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Prediction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Researcher_email_key" ON "Researcher"("email");

-- CreateIndex
CREATE UNIQUE INDEX "ResearcherSession_tokenHash_key" ON "ResearcherSession"("tokenHash");

-- CreateIndex
CREATE INDEX "ResearcherSession_researcherId_idx" ON "ResearcherSession"("researcherId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_researcherId_idx" ON "ApiToken"("researcherId");

-- CreateIndex
CREATE UNIQUE INDEX "Model_sha256_key" ON "Model"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "Study_code_key" ON "Study"("code");

-- CreateIndex
CREATE INDEX "Scene_studyId_position_idx" ON "Scene"("studyId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Scene_studyId_key_key" ON "Scene"("studyId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "Device_tokenHash_key" ON "Device"("tokenHash");

-- CreateIndex
CREATE INDEX "Device_studyId_deviceModelKey_idx" ON "Device"("studyId", "deviceModelKey");

-- CreateIndex
CREATE INDEX "Capture_studyId_sceneId_deviceModelKey_idx" ON "Capture"("studyId", "sceneId", "deviceModelKey");

-- CreateIndex
CREATE INDEX "Capture_studyId_createdAt_idx" ON "Capture"("studyId", "createdAt");

-- CreateIndex
CREATE INDEX "Capture_deviceId_createdAt_idx" ON "Capture"("deviceId", "createdAt");

-- CreateIndex
CREATE INDEX "Capture_referenceStatus_idx" ON "Capture"("referenceStatus");

-- CreateIndex
CREATE UNIQUE INDEX "Capture_studyId_clientCaptureId_key" ON "Capture"("studyId", "clientCaptureId");

-- CreateIndex
CREATE INDEX "Prediction_studyId_source_variant_idx" ON "Prediction"("studyId", "source", "variant");

-- CreateIndex
CREATE UNIQUE INDEX "Prediction_captureId_source_variant_key" ON "Prediction"("captureId", "source", "variant");

-- AddForeignKey
ALTER TABLE "ResearcherSession" ADD CONSTRAINT "ResearcherSession_researcherId_fkey" FOREIGN KEY ("researcherId") REFERENCES "Researcher"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_researcherId_fkey" FOREIGN KEY ("researcherId") REFERENCES "Researcher"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Study" ADD CONSTRAINT "Study_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Study" ADD CONSTRAINT "Study_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Researcher"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Scene" ADD CONSTRAINT "Scene_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "Study"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Device" ADD CONSTRAINT "Device_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "Study"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Capture" ADD CONSTRAINT "Capture_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "Study"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Capture" ADD CONSTRAINT "Capture_sceneId_fkey" FOREIGN KEY ("sceneId") REFERENCES "Scene"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Capture" ADD CONSTRAINT "Capture_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prediction" ADD CONSTRAINT "Prediction_captureId_fkey" FOREIGN KEY ("captureId") REFERENCES "Capture"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prediction" ADD CONSTRAINT "Prediction_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "Study"("id") ON DELETE CASCADE ON UPDATE CASCADE;

