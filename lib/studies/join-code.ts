// Study join codes: short, typed by volunteers from a poster, so the alphabet leaves out the
// characters people confuse (0/O, 1/I). Pure.
import { randomInt } from "node:crypto";

export const JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const JOIN_CODE_LENGTH = 6;

export function generateJoinCode(length = JOIN_CODE_LENGTH, random: (max: number) => number = randomInt): string {
  let code = "";
  for (let i = 0; i < length; i++) code += JOIN_CODE_ALPHABET[random(JOIN_CODE_ALPHABET.length)]!;
  return code;
}

/** What a volunteer typed, as stored: upper case, without spaces or dashes. */
export function normalizeJoinCode(input: string): string {
  return input.trim().toUpperCase().replace(/[\s-]/g, "");
}

export function isWellFormedJoinCode(code: string): boolean {
  return new RegExp(`^[${JOIN_CODE_ALPHABET}]{4,12}$`).test(code);
}
