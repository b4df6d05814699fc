/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's origin when the client is not served by the API itself (dev). */
  readonly VITE_HOTLINE_API_URL?: string;
}
