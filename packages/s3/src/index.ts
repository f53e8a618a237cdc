export { S3Client } from "./client.js";
export type { ByteRange, S3ClientOptions, S3Head, S3Object } from "./client.js";
export { parseS3Url, s3ConfigFromEnv } from "./config.js";
export type { S3Config, S3Location } from "./config.js";
export { S3Error, isS3Error } from "./errors.js";
export type { S3ErrorCode } from "./errors.js";
