# syntax=docker/dockerfile:1
# Production image for both roles: APP_ROLE=api (HTTP) or APP_ROLE=worker (Temporal worker).

# ---- build: install all dependencies, generate the Prisma client, compile TypeScript ----
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
ENV CI=true NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build

# ---- runtime ----
FROM node:20.20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NPM_CONFIG_UPDATE_NOTIFIER=false
# node_modules is copied unpruned: `dist/scripts/migrate.js` runs the Prisma CLI and its
# schema engine (devDependencies `prisma`, `@prisma/schema-engine-wasm`) at container start.
COPY --from=build /app/package.json /app/package-lock.json /app/prisma.config.ts ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Migrations and the offline Prisma CLI wrapper used by dist/scripts/migrate.js.
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/scripts ./scripts
# Mail templates are read at run time from <repo>/src/templates (found by walking up from dist/).
COPY --from=build /app/src/templates ./src/templates
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
