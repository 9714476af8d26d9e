/* global window */
// Starts Swagger UI (/swagger/swagger-ui-bundle.js, from the pinned swagger-ui-dist) on /api/docs.
window.ui = window.SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui" });
