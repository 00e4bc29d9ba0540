export { RealTimeDashboard, renderDashboard, renderPlainLines, sparkline } from './terminal.js';
export { DEFAULT_MAX_CLIENTS, WebDashboard, parseListenAddress } from './web.js';
export type { WebDashboardOptions } from './web.js';
export { createMetricsRegistry } from './prometheus.js';
