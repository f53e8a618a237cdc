/** @type {import("next").NextConfig} */
const nextConfig = {
  // Served as static files by @replay-devkit/server on the API's own port: no Next server at run time.
  output: "export",
  // Directory-style routes (recording/index.html) are what any static file server resolves.
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
  typescript: { tsconfigPath: "tsconfig.next.json" },
};

export default nextConfig;
