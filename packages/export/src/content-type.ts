export const JSON_TYPE = "application/json; charset=utf-8";
export const ZIP_TYPE = "application/zip";
