// Every endpoint of the public API, as documented at /api/v1/openapi.json. To document a new
// endpoint: export a list of defineOperation({...}) from a file in ./operations (using the same zod
// schemas as the route handler) and add that list here.
import type { ApiOperation } from "./api-operation";
import { adminOperations } from "./operations/admin";
import { analyticsOperations } from "./operations/analytics";
import { authOperations } from "./operations/auth";
import { captureOperations } from "./operations/captures";
import { deviceOperations } from "./operations/devices";
import { displayOperations } from "./operations/display";
import { documentationOperations } from "./operations/documentation";
import { exportOperations } from "./operations/export";
import { modelOperations } from "./operations/models";
import { studyOperations } from "./operations/studies";
import { workspaceOperations } from "./operations/workspace";

export const API_OPERATIONS: readonly ApiOperation[] = [
  ...authOperations,
  ...studyOperations,
  ...workspaceOperations,
  ...deviceOperations,
  ...captureOperations,
  ...displayOperations,
  ...analyticsOperations,
  ...exportOperations,
  ...modelOperations,
  ...adminOperations,
  ...documentationOperations,
];
