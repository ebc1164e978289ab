// Starts Swagger UI on /openapi.json. A file of its own, not an inline script, so the page
// runs under a Content-Security-Policy of script-src 'self'.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // The default validator badge loads an image from an outside host: no calls off this server.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
