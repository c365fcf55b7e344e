# The API and worker image: TypeScript compiled with tsc in a build stage, workflows bundled once at build time,
# and a runtime stage with production dependencies only. The same image runs either process (see docker-compose.yml).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Compile only what production runs (the API, the worker and the workflows they import), not tests, sandbox or dev tools.
RUN printf '%s\n' \
      '{ "extends": "./tsconfig.json",' \
      '  "compilerOptions": { "outDir": "dist", "noEmit": false, "types": ["node"] },' \
      '  "files": ["api/main.ts", "worker/main.ts", "workflows/index.ts"], "include": [] }' > tsconfig.build.json \
 && npx tsc -p tsconfig.build.json
# The console (console/src → console/dist), which the API serves at /console.
RUN npm run build:console
# Bundling the workflows is the slow part of a worker's start; do it here once.
RUN node -e " \
      require('@temporalio/worker') \
        .bundleWorkflowCode({ workflowsPath: require.resolve('./dist/workflows') }) \
        .then(({ code }) => require('node:fs').writeFileSync('dist/workflow-bundle.js', code)) \
        .catch((error) => { console.error(error); process.exit(1); });"

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    TRIBUTARY_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Where the compiled API (dist/api) looks for the console's build.
COPY --from=build /app/console/dist ./dist/console/dist
USER node
EXPOSE 3000
# The API by default; the worker runs the same image with `node dist/worker/main.js`.
CMD ["node", "dist/api/main.js"]
