/** The package version (src/base/version.ts, read from package.json), as `optrail --version` prints it. */
export { VERSION } from '../base/version.js';
