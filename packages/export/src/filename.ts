/** Characters safe in a Content-Disposition header and any file system; at most 120 of them. */
export function fileSafe(id: string): string {
  return id.replace(/[^\w.-]/g, "_").slice(0, 120);
}
