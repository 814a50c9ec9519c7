import { createHash } from "node:crypto";

/** The hex SHA-256 of the UTF-8 bytes of `code`: what an approval is bound to. */
export function codeSha256(code: string): string {
  return createHash("sha256").update(code, "utf8").digest("hex");
}
