/** @type {import("prettier").Config} */
const config = {
  printWidth: 110,
  singleQuote: false,
  trailingComma: "all",
};
export default config;
