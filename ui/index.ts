export { createUiApp, type PageModule, type UiApp, type UiAppOptions } from './app.ts';
export { startUiServer, UiListenError, type UiServer, type UiServerOptions } from './server.ts';
export { reloadingCatalog, staticCatalog } from './catalog.ts';
export { checkExposure, UiAuthSettingsError, UiExposureError, CSRF_FIELD, CSRF_HEADER } from './security.ts';
export type { DagCatalogSource, UiAuthSettings, UiDagCatalog, UiDagEntry, UiDeps } from './deps.ts';
