// The Wix API hosts (one rule of the dependency-free shared/ folder, index.ts).

/** The host the official SDK calls by default (`createClient` without a site host). */
export const WIX_API_HOST = 'www.wixapis.com';
/** Every host of the Wix REST APIs that the SDK calls (the local platform answers them all). */
export const WIX_API_HOSTS = [WIX_API_HOST, 'edge.wixapis.com'] as const;
