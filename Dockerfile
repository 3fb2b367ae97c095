# clerk-admin-mcp in remote mode (see README "Remote mode").
# dist/ is self-contained (every dependency is bundled by scripts/build.mjs), so the image
# carries dist/ and package.json and no node_modules at all.
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs

FROM node:20-slim
ENV NODE_ENV=production \
    CLERK_MCP_TRANSPORT=http \
    CLERK_MCP_HOST=0.0.0.0 \
    PORT=8787
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/dist ./dist
# The image's own unprivileged user: the server needs no write access outside an audit log volume.
USER node
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/index.js"]
