// Parameter schemas several operations share.
import { z } from "zod";

export const idParams = z.object({ id: z.string().describe("The resource's id") });
export const codeParams = z.object({ code: z.string().describe("The study's join code (case and dashes do not matter)") });
