// Stylesheets imported for their effect: esbuild bundles them into the page's one CSS file.
declare module '*.css';
