// Researcher sign-in, sign-out, password change, the current researcher, API tokens.
import { z } from "zod";
import { apiTokenViewSchema, createApiTokenInputSchema, createdApiTokenSchema } from "@/lib/auth/api-tokens";
import { currentResearcherSchema, okSchema, signedInSchema } from "@/lib/auth/auth-schemas";
import { changePasswordInputSchema, signInInputSchema } from "@/lib/auth/sign-in";
import { defineOperation } from "../api-operation";
import { idParams } from "./common";

const tags = ["Researchers and tokens"];

export const authOperations = [
  defineOperation({
    method: "post",
    path: "/api/v1/auth/signin",
    operationId: "signIn",
    summary: "Sign in (sets the session cookie)",
    description:
      "JSON in, JSON out; or an HTML form post (application/x-www-form-urlencoded with email, password and optional next), answered with a redirect. Sets the httpOnly `parallax_session` cookie and the `parallax_csrf` cookie.",
    tags,
    security: "none",
    requestBody: { contentType: "application/json", schema: signInInputSchema },
    responses: { 200: { description: "Signed in", schema: signedInSchema } },
    errors: [400, 401, 429],
  }),
  defineOperation({
    method: "post",
    path: "/api/v1/auth/signout",
    operationId: "signOut",
    summary: "Sign out (ends the session)",
    description: "Needs the X-CSRF-Token header (or a `csrf` form field).",
    tags,
    security: "researcher",
    responses: { 200: { description: "Signed out", schema: okSchema } },
  }),
  defineOperation({
    method: "post",
    path: "/api/v1/auth/password",
    operationId: "changePassword",
    summary: "Change the signed-in researcher's password",
    tags,
    security: "researcher",
    requestBody: { contentType: "application/json", schema: changePasswordInputSchema },
    responses: { 200: { description: "Changed", schema: okSchema } },
    errors: [400],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/auth/me",
    operationId: "getCurrentResearcher",
    summary: "Who the credentials belong to",
    tags,
    security: "researcher",
    responses: { 200: { description: "The researcher", schema: currentResearcherSchema } },
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/tokens",
    operationId: "listApiTokens",
    summary: "List API tokens (an admin sees everybody's)",
    tags,
    security: "researcher",
    responses: { 200: { description: "Tokens, newest first (never the secrets)", schema: z.object({ tokens: z.array(apiTokenViewSchema) }) } },
  }),
  defineOperation({
    method: "post",
    path: "/api/v1/tokens",
    operationId: "createApiToken",
    summary: "Create an API token (the secret is in this response only)",
    tags,
    security: "researcher",
    requestBody: { contentType: "application/json", schema: createApiTokenInputSchema },
    responses: { 201: { description: "Created", schema: createdApiTokenSchema } },
    errors: [400],
  }),
  defineOperation({
    method: "delete",
    path: "/api/v1/tokens/{id}",
    operationId: "revokeApiToken",
    summary: "Revoke an API token",
    tags,
    security: "researcher",
    pathParams: idParams,
    responses: { 200: { description: "Revoked", schema: z.object({ token: apiTokenViewSchema }) } },
    errors: [404],
  }),
];
